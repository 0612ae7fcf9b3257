// The plan the Function App runs on: Flex Consumption (FC1, pay per execution, scales to zero)
// or Elastic Premium (EP1, always one warm instance). Both support VNet integration, which the
// NAT gateway's static IP depends on; the classic Consumption plan does not.
param name string
param location string
param tags object = {}

@description('The hosting object from main.bicep: plan, sku and the matching subnet delegation.')
param hosting object

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: name
  location: location
  tags: tags
  kind: hosting.isFlex ? 'functionapp' : 'elastic'
  sku: hosting.sku
  properties: {
    // Linux workers: the only OS Flex Consumption offers, and the Node stack used on EP1 too.
    reserved: true
    maximumElasticWorkerCount: hosting.isFlex ? null : hosting.maximumInstanceCount
  }
}

output id string = plan.id
output name string = plan.name
