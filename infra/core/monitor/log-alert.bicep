// One log search alert rule (scheduledQueryRules) over Application Insights. Split by the given
// dimensions, so each collection fires and resolves on its own.
param name string
param displayName string
param description string
param location string
param tags object = {}
param scopeId string
param query string
param actionGroupId string

@minValue(0)
@maxValue(4)
param severity int

param evaluationFrequency string = 'PT15M'
param windowSize string = 'PT1H'

@allowed([
  'Count'
  'Total'
  'Maximum'
  'Minimum'
  'Average'
])
param timeAggregation string = 'Count'

@description('Column holding the measured number; empty to count rows.')
param metricMeasureColumn string = ''

param operator string = 'GreaterThan'
param threshold int = 0
param dimensions string[] = []

resource rule 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: name
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: displayName
    description: description
    severity: severity
    enabled: true
    scopes: [
      scopeId
    ]
    evaluationFrequency: evaluationFrequency
    windowSize: windowSize
    criteria: {
      allOf: [
        {
          query: query
          timeAggregation: timeAggregation
          metricMeasureColumn: empty(metricMeasureColumn) ? null : metricMeasureColumn
          operator: operator
          threshold: threshold
          dimensions: [for dimension in dimensions: {
            name: dimension
            operator: 'Include'
            values: [
              '*'
            ]
          }]
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    // Stateful: one notification when a problem starts and one when it clears, not one per evaluation.
    autoMitigate: true
    actions: {
      actionGroups: [
        actionGroupId
      ]
    }
  }
}

output id string = rule.id
