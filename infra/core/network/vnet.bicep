// A VNet with one subnet dedicated to the Function App's VNet integration. The subnet carries the
// NAT gateway, so the app's outbound traffic has exactly one public IP.
param name string
param location string
param tags object = {}
param addressPrefix string
param subnetName string
param subnetPrefix string

@description('Service the subnet is delegated to: Microsoft.App/environments (Flex Consumption) or Microsoft.Web/serverFarms (Elastic Premium).')
@allowed([
  'Microsoft.App/environments'
  'Microsoft.Web/serverFarms'
])
param delegation string

param natGatewayId string

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: subnetName
        properties: {
          addressPrefix: subnetPrefix
          delegations: [
            {
              name: 'functions'
              properties: {
                serviceName: delegation
              }
            }
          ]
          natGateway: {
            id: natGatewayId
          }
          // No implicit default outbound IP: if the NAT gateway were detached, egress fails loudly
          // instead of silently leaving from an address Atlas does not know.
          defaultOutboundAccess: false
          // Storage and Key Vault traffic stays on the Azure backbone instead of the NAT gateway,
          // which bills per GB processed; the lake writes are the bulk of the app's traffic.
          serviceEndpoints: [
            {
              service: 'Microsoft.Storage'
            }
            {
              service: 'Microsoft.KeyVault'
            }
          ]
        }
      }
    ]
  }

  resource subnet 'subnets' existing = {
    name: subnetName
  }
}

output id string = vnet.id
output subnetId string = vnet::subnet.id
