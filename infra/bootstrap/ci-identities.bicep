// Run once by an Owner of the resource group (not by CI): the two identities CI logs in as.
//   az deployment group create -g <rg> -f infra/bootstrap/ci-identities.bicep \
//     -p whatIfPrincipalId=<object id> deployPrincipalId=<object id>
//
// - what-if (federated for pull requests): reads the resource group and previews deployments,
//   changes nothing. A same-repo pull request runs with this identity only.
// - deploy (federated for the "production" environment, i.e. main after its protection rules):
//   Contributor, plus Role Based Access Control Administrator constrained by an ABAC condition to
//   the role definitions this project assigns (infra/app/roles.json), so it cannot grant itself or
//   anyone else Owner, Contributor or User Access Administrator.
targetScope = 'resourceGroup'

@description('Object id of the service principal (or user-assigned identity) federated for pull requests.')
param whatIfPrincipalId string

@description('Object id of the service principal (or user-assigned identity) federated for the production environment.')
param deployPrincipalId string

var builtIn = {
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7'
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c'
  rbacAdministrator: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168'
}

// Exactly the roles rbac.bicep assigns: one list, read by both.
var projectRoles = map(filter(items(loadJsonContent('../app/roles.json')), role => role.key != '$comment'), role => role.value)
var allowedRoles = join(projectRoles, ', ')

// Writing or deleting a role assignment is allowed only for those role definitions.
var assignOnlyProjectRoles = '((!(ActionMatches{\'Microsoft.Authorization/roleAssignments/write\'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${allowedRoles}})) AND ((!(ActionMatches{\'Microsoft.Authorization/roleAssignments/delete\'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${allowedRoles}}))'

// What-if needs to validate and preview a deployment; with --validation-level ProviderNoRbac it
// does not need write access to the resources (docs/INFRA.md "CI identities").
resource whatIfRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, 'etl-what-if')
  properties: {
    roleName: 'ETL deployment what-if (${resourceGroup().name})'
    description: 'Preview (what-if) and validate deployments of the campus analytics ETL; no write access.'
    type: 'CustomRole'
    assignableScopes: [
      resourceGroup().id
    ]
    permissions: [
      {
        actions: [
          'Microsoft.Resources/deployments/read'
          'Microsoft.Resources/deployments/validate/action'
          'Microsoft.Resources/deployments/whatIf/action'
        ]
        notActions: []
      }
    ]
  }
}

resource whatIfReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, whatIfPrincipalId, builtIn.reader)
  properties: {
    principalId: whatIfPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtIn.reader)
  }
}

resource whatIfPreview 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, whatIfPrincipalId, whatIfRole.id)
  properties: {
    principalId: whatIfPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: whatIfRole.id
  }
}

resource deployContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, deployPrincipalId, builtIn.contributor)
  properties: {
    principalId: deployPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtIn.contributor)
  }
}

resource deployRoleAssigner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, deployPrincipalId, builtIn.rbacAdministrator)
  properties: {
    principalId: deployPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtIn.rbacAdministrator)
    description: 'Assigns only the role definitions in infra/app/roles.json (ABAC condition).'
    condition: assignOnlyProjectRoles
    conditionVersion: '2.0'
  }
}

output allowedRoleDefinitionIds string[] = projectRoles
