// Where alerts go: e-mail to the people who run the ETL, in the common alert schema so the
// message carries the rule, the dimension values (collection) and a link to the query.
param name string
param tags object = {}

@maxLength(12)
param shortName string

@description('Addresses that receive ETL alerts.')
param emails string[]

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: name
  location: 'global'
  tags: tags
  properties: {
    groupShortName: shortName
    enabled: true
    emailReceivers: [for (email, i) in emails: {
      name: 'etl-operator-${i}'
      emailAddress: email
      useCommonAlertSchema: true
    }]
  }
}

output id string = actionGroup.id
