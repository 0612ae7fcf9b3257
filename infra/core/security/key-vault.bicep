// Key Vault for the one secret the app has (the MongoDB connection string). RBAC authorization,
// so access is a role assignment in rbac.bicep like everything else, not a vault access policy.
param name string
param location string
param tags object = {}
param secretName string

@secure()
@description('Initial secret value. Leave empty to keep the current value: operators set and rotate it with az keyvault secret set, so it never passes through CI.')
param secretValue string = ''

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
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // A deleted connection string could otherwise be purged before anyone notices the ETL stopped.
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
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

output id string = vault.id
output name string = vault.name
// Versionless, so the app picks up a rotated secret without a redeploy.
output secretUri string = '${vault.properties.vaultUri}secrets/${secretName}'
