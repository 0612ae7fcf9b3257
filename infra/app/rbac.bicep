// Every role assignment in one place. The app's identity gets data-plane roles only, each on the
// one resource it needs, so there is no storage key, no vault access policy and no
// instrumentation key anywhere.
param appPrincipalId string
param lakeAccountName string
param hostStorageName string
param packageContainerName string
param keyVaultName string
param applicationInsightsName string

@description('Optional: a user or group that operates the ETL (sets the MongoDB secret, reads the lake and the state tables).')
param operatorPrincipalId string = ''

@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param operatorPrincipalType string = 'User'

@description('Optional: the Synapse workspace managed identity, which the serverless SQL views read the lake as.')
param synapsePrincipalId string = ''

@description('Optional: the CI deployment identity; on EP1 it uploads the app package to the package container.')
param ciPrincipalId string = ''

// Built-in role definition ids (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  storageTableDataReader: '76199698-9eea-4c19-bc75-cec21354c6b6'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

var hostStorageRoles = [
  // Blob Owner, not Contributor: the Functions host manages its own containers and blob leases
  // (timer schedule locks) in AzureWebJobsStorage, and the pipeline leases blobs in etl-locks.
  roles.storageBlobDataOwner
  // Contributor covers what the backfill needs on one role: the HTTP function enqueues (Sender),
  // the queue trigger peeks, dequeues and deletes (Processor), and the host creates and writes the
  // poison queue.
  roles.storageQueueDataContributor
  // Watermarks, runs and backfill jobs: read, insert, ETag-conditional update.
  roles.storageTableDataContributor
]

resource lake 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: lakeAccountName
}

resource hostStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: hostStorageName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource packageContainer 'containers' existing = {
      name: packageContainerName
    }
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// Writes raw, curated and quarantine files, overwriting its own on a replay; no leases, no ACLs.
resource appLake 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(lake.id, appPrincipalId, roles.storageBlobDataContributor)
  scope: lake
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
  }
}

resource appHostStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in hostStorageRoles: {
  name: guid(hostStorage.id, appPrincipalId, role)
  scope: hostStorage
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

// Reads the MongoDB connection string through the Key Vault reference; cannot list or write secrets.
resource appVault 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appPrincipalId, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

// Sends telemetry with Entra ID, since Application Insights has local auth disabled.
resource appTelemetry 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, appPrincipalId, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
  }
}

resource operatorVault 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorPrincipalId)) {
  name: guid(vault.id, operatorPrincipalId, roles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    principalId: operatorPrincipalId
    principalType: operatorPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
  }
}

resource operatorLake 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorPrincipalId)) {
  name: guid(lake.id, operatorPrincipalId, roles.storageBlobDataReader)
  scope: lake
  properties: {
    principalId: operatorPrincipalId
    principalType: operatorPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataReader)
  }
}

resource operatorState 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorPrincipalId)) {
  name: guid(hostStorage.id, operatorPrincipalId, roles.storageTableDataReader)
  scope: hostStorage
  properties: {
    principalId: operatorPrincipalId
    principalType: operatorPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataReader)
  }
}

resource synapseLake 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(synapsePrincipalId)) {
  name: guid(lake.id, synapsePrincipalId, roles.storageBlobDataReader)
  scope: lake
  properties: {
    principalId: synapsePrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataReader)
  }
}

// Only the package container, only for uploads of the EP1 run-from-package zip.
resource ciPackage 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(ciPrincipalId)) {
  name: guid(hostStorage::blobService::packageContainer.id, ciPrincipalId, roles.storageBlobDataContributor)
  scope: hostStorage::blobService::packageContainer
  properties: {
    principalId: ciPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
  }
}
