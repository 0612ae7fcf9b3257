// The Function App: VNet-integrated on the NAT subnet with all outbound traffic routed through it,
// running as the user-assigned identity, no keys in its settings.
param name string
param location string
param tags object = {}

@description('The hosting object from main.bicep: plan, sku, runtime, package container.')
param hosting object

param planId string
param subnetId string
param identityId string
param identityClientId string
param hostStorageName string

@description('Blob endpoint of the package account: the app\'s code lives apart from its state, so the rights it has on its state cannot rewrite its code.')
param packageBlobEndpoint string
param applicationInsightsConnectionString string

@description('Settings the code reads (lib/config.ts), merged over the host settings below.')
param appSettings object

var packageContainerUrl = '${packageBlobEndpoint}${hosting.packageContainer}'

var hostSettings = {
  // The host's own storage (timer schedule status, singleton locks, queue-trigger leases), by identity.
  AzureWebJobsStorage__accountName: hostStorageName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  // Application Insights has local auth off: the host and the SDK send telemetry as the identity.
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  // Arguments the host starts the Node worker with (both plans; not on Flex's deprecated list): heap flags.
  languageWorkers__node__arguments: hosting.nodeWorkerArguments
}

// Flex Consumption takes runtime and package from functionAppConfig and rejects these settings.
var premiumSettings = hosting.isFlex ? {} : {
  FUNCTIONS_EXTENSION_VERSION: '~4'
  FUNCTIONS_WORKER_RUNTIME: 'node'
  // No Azure Files content share (it needs a storage key): EP1 runs the zip CI uploads to the
  // package container, read with the identity.
  WEBSITE_RUN_FROM_PACKAGE: '${packageContainerUrl}/${hosting.premiumPackageBlob}'
  WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: identityId
}

var flexProperties = {
  functionAppConfig: {
    deployment: {
      storage: {
        type: 'blobContainer'
        value: packageContainerUrl
        authentication: {
          type: 'UserAssignedIdentity'
          userAssignedIdentityResourceId: identityId
        }
      }
    }
    scaleAndConcurrency: {
      maximumInstanceCount: hosting.maximumInstanceCount
      instanceMemoryMB: hosting.instanceMemoryMB
    }
    runtime: hosting.runtime
  }
  // No routing switch here: a VNet-integrated Flex app sends all outbound traffic through its
  // subnet by design, and Flex lists vnetRouteAllEnabled among its deprecated site properties.
  // No ftpsState: newer Flex stamps reject it (ARM 51021, "site configuration properties
  // (Site.SiteConfig.FtpsState, ...) for Flex Consumption sites is invalid"); Flex has no FTP, and
  // basic publishing credentials are off below for both plans.
  siteConfig: {
    minTlsVersion: '1.2'
  }
}

var premiumProperties = {
  // EP1 routes only private-range traffic into the subnet unless told otherwise: send every
  // outbound packet through it, hence through the NAT gateway, so the app has one public IP.
  outboundVnetRouting: {
    allTraffic: true
    applicationTraffic: true
  }
  siteConfig: {
    linuxFxVersion: 'Node|${hosting.runtime.version}'
    minTlsVersion: '1.2'
    ftpsState: 'Disabled'
    // The older name of outboundVnetRouting.applicationTraffic, set too for tools that read only it.
    vnetRouteAllEnabled: true
    minimumElasticInstanceCount: 1
    functionAppScaleLimit: hosting.maximumInstanceCount
    // The state account denies public traffic, so the platform's scale controller cannot watch the
    // backfill queue: the runtime reports its own scale needs over the VNet instead.
    functionsRuntimeScaleMonitoringEnabled: true
  }
}

resource site 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'etl' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: union({
    serverFarmId: planId
    httpsOnly: true
    virtualNetworkSubnetId: subnetId
    // Resolve @Microsoft.KeyVault(...) settings as the user-assigned identity (default: system-assigned, which this app has none of).
    keyVaultReferenceIdentity: identityId
  }, hosting.isFlex ? flexProperties : premiumProperties)

  resource settings 'config' = {
    name: 'appsettings'
    properties: union(appSettings, hostSettings, premiumSettings)
  }

  // Deployments authenticate with Entra ID (CI's OIDC identity); no publishing passwords exist.
  resource ftpCredentials 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: {
      allow: false
    }
  }

  resource scmCredentials 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: {
      allow: false
    }
  }
}

output id string = site.id
output name string = site.name
output url string = 'https://${site.properties.defaultHostName}'
output packageContainerUrl string = packageContainerUrl
