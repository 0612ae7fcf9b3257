// The "ETL health" Azure Monitor workbook: documents per collection per hour, watermark lag,
// failures, run duration and backfill progress, over the metric names the code emits. Its JSON
// lives beside this file so it can be edited in the portal and pasted back.
param location string
param tags object = {}
param applicationInsightsId string

@description('Collections the pipeline runs (collections.generated.json): failed timer invocations count only for these.')
param collections string[]

// Stable per resource group, so redeploying updates the workbook instead of adding a copy.
var workbookId = guid(resourceGroup().id, 'etl-health-workbook')

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: workbookId
  location: location
  tags: union(tags, { 'hidden-title': 'ETL health' })
  kind: 'shared'
  properties: {
    displayName: 'ETL health'
    category: 'workbook'
    version: 'Notebook/1.0'
    sourceId: applicationInsightsId
    // KQL string literals in single quotes: the query sits inside the workbook's JSON text.
    serializedData: replace(replace(loadTextContent('etl-health.workbook.json'), '__APPLICATION_INSIGHTS_ID__', applicationInsightsId), '__COLLECTIONS__', join(map(collections, c => '\'${c}\''), ', '))
  }
}

output id string = workbook.id
