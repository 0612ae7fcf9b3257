// The seed's target: Function App → VNet integration → subnet with NAT gateway → one static
// public IP → allow-listed in MongoDB Atlas. The delegation follows the hosting plan so the
// subnet and the plan cannot disagree.
param location string
param tags object = {}
param resourceToken string
param abbrs object

@description('The hosting object from main.bicep; its subnetDelegation matches the plan.')
param hosting object

param vnetAddressPrefix string
param subnetPrefix string

module nat '../core/network/nat-gateway.bicep' = {
  name: 'nat-gateway'
  params: {
    name: '${abbrs.natGateways}${resourceToken}'
    publicIpName: '${abbrs.publicIpAddresses}atlas-egress-${resourceToken}'
    location: location
    tags: tags
  }
}

module vnet '../core/network/vnet.bicep' = {
  name: 'vnet'
  params: {
    name: '${abbrs.virtualNetworks}${resourceToken}'
    location: location
    tags: tags
    addressPrefix: vnetAddressPrefix
    subnetName: '${abbrs.subnets}functions'
    subnetPrefix: subnetPrefix
    delegation: hosting.subnetDelegation
    natGatewayId: nat.outputs.id
  }
}

output subnetId string = vnet.outputs.subnetId
output egressIp string = nat.outputs.publicIpAddress
