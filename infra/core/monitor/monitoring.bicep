// Log Analytics + workspace-based Application Insights. Local (key) auth is off on both: telemetry
// is accepted only from identities holding Monitoring Metrics Publisher (rbac.bicep), and the
// workspace is queried only with Entra ID. Retention is the workspace's: a workspace-based
// component has no retention of its own.
param logAnalyticsName string
param applicationInsightsName string
param location string
param tags object = {}

@description('Days of logs and metrics kept; the workbook and alert history look back up to 30 days, run history up to 90.')
param retentionInDays int = 90

@description('Daily ingestion cap in GB; -1 for none. A runaway log loop stops costing money at the cap (ingestion resumes the next day).')
param dailyCapGb int = 5

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    workspaceCapping: {
      dailyQuotaGb: dailyCapGb
    }
    features: {
      disableLocalAuth: true
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

output applicationInsightsId string = appInsights.id
output applicationInsightsName string = appInsights.name
output connectionString string = appInsights.properties.ConnectionString
output logAnalyticsId string = workspace.id
