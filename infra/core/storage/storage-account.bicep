// A StorageV2 account reachable only with Microsoft Entra ID: shared keys are off, so no
// connection string with a key can exist anywhere, and every caller needs a data-plane role.
param name string
param location string
param tags object = {}

@description('Hierarchical namespace (ADLS Gen2). Needed by the lake for directory semantics and Synapse; not for the host account.')
param isHnsEnabled bool = false

param skuName string = 'Standard_LRS'
param containers string[] = []
param tables string[] = []
param queues string[] = []

@description('Lifecycle management rules (Microsoft.Storage managementPolicies rule objects); none when empty.')
param lifecycleRules array = []

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    isHnsEnabled: isHnsEnabled
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    // Reachable from the app (through its subnet's service endpoint), from Synapse and from CI;
    // Entra-only auth above is the gate. See docs/INFRA.md for locking this to the VNet.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }

  resource blobService 'blobServices' = {
    name: 'default'

    resource container 'containers' = [for container in containers: {
      name: container
      properties: {
        publicAccess: 'None'
      }
    }]
  }

  resource tableService 'tableServices' = if (!empty(tables)) {
    name: 'default'

    resource table 'tables' = [for table in tables: {
      name: table
    }]
  }

  resource queueService 'queueServices' = if (!empty(queues)) {
    name: 'default'

    resource queue 'queues' = [for queue in queues: {
      name: queue
    }]
  }

  resource managementPolicy 'managementPolicies' = if (!empty(lifecycleRules)) {
    name: 'default'
    properties: {
      policy: {
        rules: lifecycleRules
      }
    }
  }
}

output id string = account.id
output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output dfsEndpoint string = isHnsEnabled ? account.properties.primaryEndpoints.dfs : ''
output tableEndpoint string = account.properties.primaryEndpoints.table
output queueEndpoint string = account.properties.primaryEndpoints.queue
