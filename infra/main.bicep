// Campus analytics ETL: Azure Functions that move MongoDB Atlas data into ADLS Gen2 every hour.
// This file only orchestrates: parameters, one module per concern, outputs named like the settings
// an operator or CI needs next. Deployed into an existing resource group:
//   az deployment group create -g <rg> -f infra/main.bicep -p infra/main.parameters.json
targetScope = 'resourceGroup'

@minLength(1)
@maxLength(32)
@description('Environment name (e.g. prod); with the resource group it seeds the unique resource names.')
param environmentName string

@description('Region for every resource; defaults to the resource group\'s.')
param location string = resourceGroup().location

@description('FlexConsumption (default: pay per execution, scales to zero) or ElasticPremium (EP1: one always-warm instance).')
@allowed([
  'FlexConsumption'
  'ElasticPremium'
])
param hostingPlan string = 'FlexConsumption'

// Measured with `npm run bench:etl -- --sizes …` (Node 20): with V8's default heap sizing one ETL
// worker peaked at 195 MB RSS over a 10k-message window, ~300 MB at 50k and 343 MB at 200k; with
// nodeWorkerArguments below (the heap flags the campus-etl bin also runs with) ~200 MB, flat with the
// window (docs/BENCHMARKS.md). That leaves a 512 MB instance ~300 MB for the Functions host, which
// was not measured here (no host locally), so 2048 stays the default: try 512 and watch memory.
param flexInstanceMemoryMB int = 2048

// Without a cap V8 lets the heap grow far past what the ETL keeps live (~40 MB). The same flags as
// the campus-etl bin's shebang (scripts/build-cli.mjs; test/infra/app-settings.test.ts keeps them equal).
@description('Node.js worker arguments (languageWorkers__node__arguments): V8 heap flags that keep one ETL run near 200 MB RSS. A window of very large documents may need a larger --max-old-space-size.')
param nodeWorkerArguments string = '--max-old-space-size=160 --max-semi-space-size=16'

@minLength(1)
@description('E-mail addresses that receive the ETL alerts (deploy.yml refuses an empty or malformed ALERT_EMAIL before it gets here).')
param alertEmails string[]

@description('MongoDB database the ETL reads.')
param mongoDbDatabase string = 'pathways-prod'

@secure()
@description('Optional first value of the MongoDB connection string secret. Leave empty in CI: operators set it with az keyvault secret set (docs/NETWORKING.md).')
param mongoDbUri string = ''

@description('Days before raw JSONL moves to the Cool tier.')
param rawCoolAfterDays int = 30

@description('Days before raw JSONL is deleted.')
param rawDeleteAfterDays int = 365

@description('Days before quarantined documents are deleted.')
param quarantineDeleteAfterDays int = 90

@description('Hours without a successful run before a collection alerts.')
param noSuccessAlertHours int = 2

@description('Watermark lag in hours above which a collection alerts.')
param maxWatermarkLagHours int = 2

@description('Quarantined documents per collection per hour above which it alerts.')
param quarantineAlertThreshold int = 25

param vnetAddressPrefix string = '10.60.0.0/24'

@description('Function App integration subnet; /26 leaves room for Flex Consumption to scale out.')
param functionsSubnetPrefix string = '10.60.0.0/26'

@description('Optional object id of the user or group operating the ETL (sets the secret, reads lake and state).')
param operatorPrincipalId string = ''

@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param operatorPrincipalType string = 'User'

@description('Optional object id of the Synapse workspace managed identity that serves the SQL views.')
param synapsePrincipalId string = ''

@description('Optional object id of the CI deployment identity (uploads the EP1 package).')
param ciPrincipalId string = ''

@description('Optional resource id of the Synapse workspace that serves the SQL views: the lake\'s firewall lets that workspace in (resource instance rule).')
param synapseWorkspaceResourceId string = ''

@description('Optional public IPv4 address or CIDR range of the operator (az keyvault secret set, reading the lake). Empty: only the app\'s subnet and Synapse get through the firewalls.')
param operatorIpAddress string = ''

@description('Days a deleted or overwritten lake blob can be restored (blob soft delete).')
@minValue(1)
@maxValue(365)
param lakeSoftDeleteDays int = 14

@description('Log Analytics daily ingestion cap in GB (-1: none).')
param logDailyCapGb int = 5

@description('\'recover\' brings back a soft-deleted Key Vault of the same name (redeploying into a recreated resource group); see docs/INFRA.md.')
@allowed([
  'default'
  'recover'
])
param keyVaultCreateMode string = 'default'

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var tags = {
  'azd-env-name': environmentName
  workload: 'campus-analytics-etl'
}

// The one switch between the two plans. Network (subnet delegation), plan (SKU) and app
// (functionAppConfig vs. run-from-package) all read it, so they cannot disagree.
var isFlex = hostingPlan == 'FlexConsumption'
var hosting = {
  isFlex: isFlex
  sku: isFlex ? { name: 'FC1', tier: 'FlexConsumption' } : { name: 'EP1', tier: 'ElasticPremium' }
  // Flex Consumption runs on Container Apps infrastructure; Elastic Premium on App Service workers.
  subnetDelegation: isFlex ? 'Microsoft.App/environments' : 'Microsoft.Web/serverFarms'
  runtime: {
    name: 'node'
    version: '22'
  }
  // Six hourly timers and a backfill queue: a few instances at most; Flex's floor is 40.
  maximumInstanceCount: isFlex ? 40 : 3
  instanceMemoryMB: flexInstanceMemoryMB
  nodeWorkerArguments: nodeWorkerArguments
  packageContainer: 'app-package'
  premiumPackageBlob: 'etl.zip'
}

// Names the code defaults to in lib/config.ts; test/infra/storage-names.test.ts keeps them equal.
var lakeContainers = {
  raw: 'raw'
  curated: 'curated'
  quarantine: 'quarantine'
}
var stateStore = {
  containers: [
    'etl-locks'
  ]
  tables: [
    'watermarks'
    'etlruns'
    'backfilljobs'
    'etlaudit'
  ]
  backfillQueue: 'backfill-chunks'
  // Created up front so it exists (and can be watched) before the first poisoned chunk.
  backfillPoisonQueue: 'backfill-chunks-poison'
  // POST /api/erasure queues the request; the erasure-worker trigger carries it out.
  erasureQueue: 'erasure-requests'
  erasurePoisonQueue: 'erasure-requests-poison'
}
var mongoDbSecretName = 'mongodb-uri'
var collections = loadJsonContent('app/collections.generated.json').collections

module identity 'core/identity/user-assigned-identity.bicep' = {
  name: 'identity'
  params: {
    name: '${abbrs.managedIdentities}etl-${resourceToken}'
    location: location
    tags: tags
  }
}

module network 'app/network.bicep' = {
  name: 'network'
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
    abbrs: abbrs
    hosting: hosting
    vnetAddressPrefix: vnetAddressPrefix
    subnetPrefix: functionsSubnetPrefix
  }
}

// Closed by default, one object for every firewall: deny, then the app's integration subnet
// (service endpoints), the operator's IP if given. The lake adds the Synapse workspace.
var networkAccess = {
  subnetId: network.outputs.subnetId
  operatorIp: operatorIpAddress
}

module lake 'app/lake.bicep' = {
  name: 'lake'
  params: {
    name: '${abbrs.dataLakeStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    containers: lakeContainers
    rawCoolAfterDays: rawCoolAfterDays
    rawDeleteAfterDays: rawDeleteAfterDays
    quarantineDeleteAfterDays: quarantineDeleteAfterDays
    networkAccess: networkAccess
    synapseWorkspaceId: synapseWorkspaceResourceId
    softDeleteDays: lakeSoftDeleteDays
    workspaceId: monitoring.outputs.logAnalyticsId
  }
}

// One account for the Functions host (AzureWebJobsStorage) and the pipeline's state (locks,
// watermarks, runs, backfill jobs, audit and the two queues): small, hot, not hierarchical, closed to the internet.
module stateStorage 'core/storage/storage-account.bicep' = {
  name: 'state-storage'
  params: {
    name: '${abbrs.storageAccounts}${resourceToken}'
    location: location
    tags: tags
    containers: stateStore.containers
    tables: stateStore.tables
    queues: [
      stateStore.backfillQueue
      stateStore.backfillPoisonQueue
      stateStore.erasureQueue
      stateStore.erasurePoisonQueue
    ]
    networkAccess: networkAccess
    workspaceId: monitoring.outputs.logAnalyticsId
  }
}

// The deployment package, apart from the state: the app is Blob Data Owner on the state account
// (the host needs it), which would otherwise let it rewrite its own code. Open to networks, since
// CI runners have no fixed address and the package holds no data; Entra ID only, like the others.
module packageStorage 'core/storage/storage-account.bicep' = {
  name: 'package-storage'
  params: {
    name: '${abbrs.storageAccounts}pkg${resourceToken}'
    location: location
    tags: tags
    containers: [
      hosting.packageContainer
    ]
    workspaceId: monitoring.outputs.logAnalyticsId
  }
}

module keyVault 'core/security/key-vault.bicep' = {
  name: 'key-vault'
  params: {
    name: '${abbrs.keyVaults}${resourceToken}'
    location: location
    tags: tags
    secretName: mongoDbSecretName
    secretValue: mongoDbUri
    networkAccess: networkAccess
    createMode: keyVaultCreateMode
    workspaceId: monitoring.outputs.logAnalyticsId
  }
}

module monitoring 'core/monitor/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: '${abbrs.logAnalyticsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.applicationInsights}${resourceToken}'
    location: location
    tags: tags
    dailyCapGb: logDailyCapGb
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  params: {
    appPrincipalId: identity.outputs.principalId
    lakeAccountName: lake.outputs.name
    curatedContainerName: lakeContainers.curated
    hostStorageName: stateStorage.outputs.name
    packageStorageName: packageStorage.outputs.name
    packageContainerName: hosting.packageContainer
    isFlex: hosting.isFlex
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    operatorPrincipalId: operatorPrincipalId
    operatorPrincipalType: operatorPrincipalType
    synapsePrincipalId: synapsePrincipalId
    ciPrincipalId: ciPrincipalId
  }
}

module plan 'core/host/app-service-plan.bicep' = {
  name: 'plan'
  params: {
    name: '${abbrs.appServicePlans}${resourceToken}'
    location: location
    tags: tags
    hosting: hosting
  }
}

// What the code reads (lib/config.ts), all identity-based: service URIs plus the identity's
// client id, never a key. test/infra/app-settings.test.ts checks requiredInAzure against this.
var appSettings = {
  // Resolved by the platform as keyVaultReferenceIdentity (the user-assigned identity).
  MONGODB_URI: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.secretUri})'
  MONGODB_DATABASE: mongoDbDatabase
  LAKE_STORAGE__blobServiceUri: lake.outputs.blobEndpoint
  STATE_STORAGE__blobServiceUri: stateStorage.outputs.blobEndpoint
  STATE_STORAGE__tableServiceUri: stateStorage.outputs.tableEndpoint
  STATE_STORAGE__queueServiceUri: stateStorage.outputs.queueEndpoint
  // For the backfill-worker queue trigger (connection: STATE_STORAGE): the host's own identity-based connection.
  STATE_STORAGE__credential: 'managedidentity'
  STATE_STORAGE__clientId: identity.outputs.clientId
  // DefaultAzureCredential in the code picks the user-assigned identity by this id.
  AZURE_CLIENT_ID: identity.outputs.clientId
  // GET /api/egress compares the app's observed outbound IP with this.
  EXPECTED_EGRESS_IP: network.outputs.egressIp
}

module functionApp 'app/function-app.bicep' = {
  name: 'function-app'
  params: {
    name: '${abbrs.functionApps}etl-${resourceToken}'
    location: location
    tags: tags
    hosting: hosting
    planId: plan.outputs.id
    subnetId: network.outputs.subnetId
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    hostStorageName: stateStorage.outputs.name
    packageBlobEndpoint: packageStorage.outputs.blobEndpoint
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    appSettings: appSettings
  }
  // The app must start with its roles in place: a Key Vault reference that fails on first start
  // is only retried much later.
  dependsOn: [
    rbac
  ]
}

module alerts 'app/alerts.bicep' = {
  name: 'alerts'
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
    abbrs: abbrs
    applicationInsightsId: monitoring.outputs.applicationInsightsId
    alertEmails: alertEmails
    collections: collections
    poisonQueue: stateStore.backfillPoisonQueue
    erasurePoisonQueue: stateStore.erasurePoisonQueue
    noSuccessHours: noSuccessAlertHours
    maxWatermarkLagHours: maxWatermarkLagHours
    quarantineThreshold: quarantineAlertThreshold
  }
}

module workbook 'app/workbook.bicep' = {
  name: 'workbook'
  params: {
    location: location
    tags: tags
    applicationInsightsId: monitoring.outputs.applicationInsightsId
    collections: collections
  }
}

// Put this address, as <ip>/32, in MongoDB Atlas → Network Access (docs/NETWORKING.md).
output ATLAS_ALLOWLIST_EGRESS_IP string = network.outputs.egressIp
output AZURE_RESOURCE_GROUP string = resourceGroup().name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_URL string = functionApp.outputs.url
output AZURE_FUNCTION_PLAN string = hostingPlan
output APP_PACKAGE_CONTAINER_URL string = functionApp.outputs.packageContainerUrl
output APP_PACKAGE_BLOB string = hosting.premiumPackageBlob
output KEY_VAULT_NAME string = keyVault.outputs.name
output MONGODB_SECRET_NAME string = mongoDbSecretName
output LAKE_ACCOUNT_NAME string = lake.outputs.name
output LAKE_STORAGE__blobServiceUri string = lake.outputs.blobEndpoint
output STATE_ACCOUNT_NAME string = stateStorage.outputs.name
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output AZURE_CLIENT_ID string = identity.outputs.clientId
