// One user-assigned identity for the app: it exists before the Function App, so its role
// assignments (rbac.bicep) are in place when the app first starts and resolves its Key Vault
// reference, and it survives re-creating the app.
param name string
param location string
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
