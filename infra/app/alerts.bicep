// The ETL's alert rules: log searches over the custom metrics the code emits
// (lib/telemetry/metric-names.ts) and the host's own logs, sent to one action group by e-mail.
param location string
param tags object = {}
param resourceToken string
param abbrs object
param applicationInsightsId string
param alertEmails string[]

@description('Collections the pipeline runs (collections.generated.json, generated from lib/collections).')
param collections string[]

@description('Queue the Functions host moves failed backfill chunks to.')
param poisonQueue string

@description('Queue the Functions host moves failed erasure requests to.')
param erasurePoisonQueue string

@description('Hours without a successful run before a collection alerts.')
param noSuccessHours int

@description('Watermark lag, in hours, above which a collection alerts.')
param maxWatermarkLagHours int

@description('Quarantined documents per collection per hour above which it alerts.')
param quarantineThreshold int

module actionGroup '../core/monitor/action-group.bicep' = {
  name: 'action-group'
  params: {
    name: '${abbrs.actionGroups}etl-${resourceToken}'
    shortName: 'etl-alerts'
    emails: alertEmails
    tags: tags
  }
}

var rules = [
  {
    key: 'no-successful-run'
    displayName: 'ETL: collection without a successful run'
    description: 'A collection has had no successful run in ${noSuccessHours} hours: data in the dashboards is going stale. Check the failed-run alert and the ETL health workbook.'
    severity: 1
    query: replace(loadTextContent('queries/no-successful-run.kql'), '{{collections}}', string(collections))
    windowSize: 'PT${noSuccessHours}H'
    timeAggregation: 'Count'
    metricMeasureColumn: ''
    threshold: 0
  }
  {
    key: 'failed-run'
    displayName: 'ETL: run failed'
    description: 'A collection\'s run failed (reported by the pipeline, or the timer function threw). The window is replayed on the next run; look at the exceptions for the run id.'
    severity: 2
    query: replace(loadTextContent('queries/failed-runs.kql'), '{{collections}}', string(collections))
    windowSize: 'PT1H'
    timeAggregation: 'Count'
    metricMeasureColumn: ''
    threshold: 0
  }
  {
    key: 'watermark-lag'
    displayName: 'ETL: watermark lag over ${maxWatermarkLagHours} h'
    description: 'A collection\'s committed watermark trails the clock by more than ${maxWatermarkLagHours} hours while its latest run did not succeed: the lake is falling behind MongoDB. Quiet collections whose runs succeed do not alert.'
    severity: 2
    query: loadTextContent('queries/watermark-lag.kql')
    windowSize: 'PT1H'
    timeAggregation: 'Maximum'
    metricMeasureColumn: 'lagSeconds'
    threshold: maxWatermarkLagHours * 3600
  }
  {
    key: 'quarantined-documents'
    displayName: 'ETL: documents quarantined'
    description: 'More than ${quarantineThreshold} documents of a collection failed transform in an hour and went to quarantine/: the source schema may have changed.'
    severity: 3
    query: loadTextContent('queries/quarantined-documents.kql')
    windowSize: 'PT1H'
    timeAggregation: 'Total'
    metricMeasureColumn: 'quarantined'
    threshold: quarantineThreshold
  }
  {
    key: 'reconcile-drift'
    displayName: 'ETL: reconcile found drift'
    description: 'The nightly reconcile found curated rows that did not match MongoDB (missing, extra or duplicate) and repaired them. Deletes only arrive this way; any other drift is one the hourly path should have prevented: that is a bug, report it with the reconcile table (etl reconcile --days 7).'
    severity: 3
    query: loadTextContent('queries/reconcile-drift.kql')
    windowSize: 'PT1H'
    timeAggregation: 'Total'
    metricMeasureColumn: 'drift'
    threshold: 0
  }
  {
    key: 'backfill-poison'
    displayName: 'ETL: backfill chunk moved to the poison queue'
    description: 'A backfill chunk failed on every attempt and was moved to ${poisonQueue}; its job will not finish until the chunk is re-queued.'
    severity: 2
    query: replace(loadTextContent('queries/backfill-poison.kql'), '{{poisonQueue}}', poisonQueue)
    windowSize: 'PT1H'
    timeAggregation: 'Count'
    metricMeasureColumn: ''
    threshold: 0
  }
  {
    // The same host log line, for the erasure queue: a student's erasure that failed on every attempt.
    key: 'erasure-poison'
    displayName: 'ETL: erasure request moved to the poison queue'
    description: 'An erasure request failed on every attempt and was moved to ${erasurePoisonQueue}; its status reads failed with the reason. The student\'s rows are still in the lake: fix the cause and run etl erase for the user.'
    severity: 1
    query: replace(loadTextContent('queries/backfill-poison.kql'), '{{poisonQueue}}', erasurePoisonQueue)
    windowSize: 'PT1H'
    timeAggregation: 'Count'
    metricMeasureColumn: ''
    threshold: 0
  }
]

module alert '../core/monitor/log-alert.bicep' = [for rule in rules: {
  name: 'alert-${rule.key}'
  params: {
    name: '${abbrs.alertRules}${rule.key}-${resourceToken}'
    displayName: rule.displayName
    description: rule.description
    location: location
    tags: tags
    scopeId: applicationInsightsId
    actionGroupId: actionGroup.outputs.id
    severity: rule.severity
    query: rule.query
    windowSize: rule.windowSize
    evaluationFrequency: 'PT15M'
    timeAggregation: rule.timeAggregation
    metricMeasureColumn: rule.metricMeasureColumn
    operator: 'GreaterThan'
    threshold: rule.threshold
    dimensions: rule.key == 'backfill-poison' ? [] : [
      'collection'
    ]
  }
}]
