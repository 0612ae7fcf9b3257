// Every role assignment in one place. The app's identity gets data-plane roles only, each on the
// one resource (or container) it needs, so there is no storage key, no vault access policy and no
// instrumentation key anywhere. The role ids live in roles.json, which also bounds what the
// deploying CI identity may assign (infra/bootstrap/ci-identities.bicep).
param appPrincipalId string
param lakeAccountName string
param curatedContainerName string
param hostStorageName string
param packageStorageName string
param packageContainerName string
param keyVaultName string
param applicationInsightsName string

@description('Flex Consumption: the platform writes the package with the app\'s identity at deploy time. Elastic Premium: the app only reads it.')
param isFlex bool

@description('Optional: a user or group that operates the ETL (sets the MongoDB secret, reads the lake and the state tables).')
param operatorPrincipalId string = ''

@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param operatorPrincipalType string = 'User'

@description('Optional: the Synapse workspace managed identity, which the serverless SQL views read curated/ as.')
param synapsePrincipalId string = ''

@description('Optional: the CI deployment identity; on EP1 it uploads the app package to the package container.')
param ciPrincipalId string = ''

var roles = loadJsonContent('roles.json')

var hostStorageRoles = [
  // Blob Owner, not Contributor: the Functions host manages its own containers and blob leases
  // (timer schedule locks) in AzureWebJobsStorage, and the pipeline leases blobs in etl-locks.
  // The app's code is not in this account (packageStorage), so Owner here cannot rewrite it.
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

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource curated 'containers' existing = {
      name: curatedContainerName
    }
  }
}

resource hostStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: hostStorageName
}

resource packageStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: packageStorageName

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

// The package container only. EP1 runs from the zip (read); Flex's platform uploads the zip with
// the identity named in functionAppConfig.deployment (write, this container only).
var appPackageRole = isFlex ? roles.storageBlobDataContributor : roles.storageBlobDataReader

resource appPackage 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(packageStorage::blobService::packageContainer.id, appPrincipalId, appPackageRole)
  scope: packageStorage::blobService::packageContainer
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', appPackageRole)
  }
}

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

// curated/ only: the views read current state; raw history and quarantined documents stay out
// of the SQL endpoint that Metabase queries.
resource synapseCurated 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(synapsePrincipalId)) {
  name: guid(lake::blobService::curated.id, synapsePrincipalId, roles.storageBlobDataReader)
  scope: lake::blobService::curated
  properties: {
    principalId: synapsePrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataReader)
  }
}

// Only the package container, only for uploads of the EP1 run-from-package zip.
resource ciPackage 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(ciPrincipalId)) {
  name: guid(packageStorage::blobService::packageContainer.id, ciPrincipalId, roles.storageBlobDataContributor)
  scope: packageStorage::blobService::packageContainer
  properties: {
    principalId: ciPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
  }
}
