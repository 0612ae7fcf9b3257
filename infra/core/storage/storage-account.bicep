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

@description('main.bicep networkAccess: { subnetId, operatorIp, resourceAccessRules? }. Given: deny by default, allow that subnet (service endpoint), that IP and those resource instances. Empty: any network (Entra ID still required).')
param networkAccess object = {}

@description('Days a deleted or overwritten blob (and a deleted container) can be restored; 0 turns soft delete off.')
@minValue(0)
@maxValue(365)
param softDeleteDays int = 0

@description('Log Analytics workspace for the account\'s diagnostic logs (reads, writes, deletes) and transaction metrics; none when empty.')
param workspaceId string = ''

var closed = !empty(networkAccess)

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
    // Enabled, but the firewall below decides: service-endpoint and IP rules only apply to the
    // public endpoint, so turning it off would also shut out the app's subnet.
    publicNetworkAccess: 'Enabled'
    networkAcls: closed ? {
      defaultAction: 'Deny'
      // Trusted Azure services acting as themselves (e.g. Azure Monitor); Synapse is let in by
      // its resource instance below, not by this switch.
      bypass: 'AzureServices'
      virtualNetworkRules: [
        {
          id: networkAccess.subnetId
          action: 'Allow'
        }
      ]
      ipRules: empty(networkAccess.operatorIp) ? [] : [
        {
          value: networkAccess.operatorIp
          action: 'Allow'
        }
      ]
      resourceAccessRules: contains(networkAccess, 'resourceAccessRules') ? networkAccess.resourceAccessRules : []
    } : {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }

  resource blobService 'blobServices' = {
    name: 'default'
    properties: softDeleteDays > 0 ? {
      // The app may delete and overwrite (replays, rewrites, retirement): a bug or a stolen token
      // cannot destroy history beyond recovery within this window.
      deleteRetentionPolicy: {
        enabled: true
        days: softDeleteDays
      }
      containerDeleteRetentionPolicy: {
        enabled: true
        days: softDeleteDays
      }
    } : {}

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

// Who read, wrote or deleted what: the audit trail for student data. Logs are per service.
var serviceLogs = {
  workspaceId: workspaceId
  logs: [
    {
      categoryGroup: 'allLogs'
      enabled: true
    }
  ]
}

resource accountDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = if (!empty(workspaceId)) {
  name: 'to-log-analytics'
  scope: account
  properties: {
    workspaceId: workspaceId
    metrics: [
      {
        category: 'Transaction'
        enabled: true
      }
    ]
  }
}

resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = if (!empty(workspaceId)) {
  name: 'to-log-analytics'
  scope: account::blobService
  properties: serviceLogs
}

resource tableDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = if (!empty(workspaceId) && !empty(tables)) {
  name: 'to-log-analytics'
  scope: account::tableService
  properties: serviceLogs
}

resource queueDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = if (!empty(workspaceId) && !empty(queues)) {
  name: 'to-log-analytics'
  scope: account::queueService
  properties: serviceLogs
}

output id string = account.id
output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output dfsEndpoint string = isHnsEnabled ? account.properties.primaryEndpoints.dfs : ''
output tableEndpoint string = account.properties.primaryEndpoints.table
output queueEndpoint string = account.properties.primaryEndpoints.queue
