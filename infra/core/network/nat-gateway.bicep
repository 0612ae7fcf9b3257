// NAT gateway with one Standard static public IP: every outbound flow from the subnets it is
// attached to leaves from this single address, which MongoDB Atlas allow-lists.
param name string
param publicIpName string
param location string
param tags object = {}

@description('Minutes an idle outbound flow is kept. Longer than the MongoDB driver\'s TCP keepalive (120 s), so pooled connections that sit idle between hourly runs are not dropped silently.')
@minValue(4)
@maxValue(120)
param idleTimeoutInMinutes int = 10

resource publicIp 'Microsoft.Network/publicIPAddresses@2024-05-01' = {
  name: publicIpName
  location: location
  tags: tags
  // NAT gateway accepts only Standard SKU IPs; Static keeps the address across restarts and redeploys.
  sku: {
    name: 'Standard'
    tier: 'Regional'
  }
  properties: {
    publicIPAllocationMethod: 'Static'
    publicIPAddressVersion: 'IPv4'
  }
}

resource natGateway 'Microsoft.Network/natGateways@2024-05-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    idleTimeoutInMinutes: idleTimeoutInMinutes
    publicIpAddresses: [
      {
        id: publicIp.id
      }
    ]
  }
}

output id string = natGateway.id
output publicIpAddress string = publicIp.properties.ipAddress
output publicIpId string = publicIp.id
