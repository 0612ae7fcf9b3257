// Key Vault for the one secret the app has (the MongoDB connection string). RBAC authorization,
// so access is a role assignment in rbac.bicep like everything else, not a vault access policy.
//
// Soft delete with purge protection: a deleted vault keeps its name for softDeleteRetentionInDays.
// Redeploying into a recreated resource group then fails with "vault name already in use" until
// the vault is recovered: `az keyvault recover --name <vault>` (or deploy once with
// createMode 'recover', see docs/INFRA.md "Recovering a deleted Key Vault").
param name string
param location string
param tags object = {}
param secretName string

@secure()
@description('Initial secret value. Leave empty to keep the current value: operators set and rotate it with az keyvault secret set, so it never passes through CI.')
param secretValue string = ''

@description('main.bicep networkAccess: { subnetId, operatorIp }. Deny by default; the app\'s subnet (service endpoint) and the operator\'s IP are let in.')
param networkAccess object

@description('\'recover\' restores a soft-deleted vault of this name instead of creating one (docs/INFRA.md); \'default\' otherwise.')
@allowed([
  'default'
  'recover'
])
param createMode string = 'default'

@description('Log Analytics workspace for the vault\'s audit log (every secret read and change).')
param workspaceId string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    createMode: createMode
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // A deleted connection string could otherwise be purged before anyone notices the ETL stopped.
    enablePurgeProtection: true
    // The firewall below decides; 'Disabled' would also refuse the subnet's service endpoint.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Deny'
      // Lets ARM deployments and trusted services through; the app resolves its Key Vault
      // reference over its VNet integration (all traffic routed), hence the subnet rule.
      bypass: 'AzureServices'
      virtualNetworkRules: [
        {
          id: networkAccess.subnetId
          ignoreMissingVnetServiceEndpoint: false
        }
      ]
      ipRules: empty(networkAccess.operatorIp) ? [] : [
        {
          value: networkAccess.operatorIp
        }
      ]
    }
  }
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(secretValue)) {
  parent: vault
  name: secretName
  properties: {
    value: secretValue
    contentType: 'text/plain'
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: vault
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        // AuditEvent: who read or changed which secret, from where.
        categoryGroup: 'audit'
        enabled: true
      }
    ]
  }
}

output id string = vault.id
output name string = vault.name
// Versionless, so the app picks up a rotated secret without a redeploy.
output secretUri string = '${vault.properties.vaultUri}secrets/${secretName}'
