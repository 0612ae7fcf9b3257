// The data lake: an ADLS Gen2 (hierarchical namespace) account with raw, curated and quarantine
// containers, and a lifecycle policy so raw JSONL, which is only re-read for replays, gets cheaper
// with age and is eventually deleted.
param name string
param location string
param tags object = {}

@description('Container names the code writes to: raw, curated, quarantine (LAKE_*_CONTAINER in lib/config.ts).')
param containers object

@description('Days after which raw JSONL moves to the Cool tier.')
param rawCoolAfterDays int

@description('Days after which raw JSONL is deleted; must be greater than rawCoolAfterDays.')
param rawDeleteAfterDays int

@description('Days after which quarantined documents are deleted, once someone has had time to look.')
param quarantineDeleteAfterDays int

@description('main.bicep networkAccess: deny by default, the app\'s subnet and the operator\'s IP let in.')
param networkAccess object

@description('Resource id of the Synapse workspace whose serverless SQL reads curated/ (resource instance rule); none when empty.')
param synapseWorkspaceId string

@description('Days a deleted or overwritten blob can be restored: the app has delete rights on student data.')
param softDeleteDays int

param workspaceId string

var lifecycleRules = [
  {
    name: 'raw-cool-then-delete'
    enabled: true
    type: 'Lifecycle'
    definition: {
      filters: {
        blobTypes: [
          'blockBlob'
        ]
        prefixMatch: [
          '${containers.raw}/'
        ]
      }
      actions: {
        baseBlob: {
          tierToCool: {
            daysAfterModificationGreaterThan: rawCoolAfterDays
          }
          delete: {
            daysAfterModificationGreaterThan: rawDeleteAfterDays
          }
        }
      }
    }
  }
  {
    name: 'quarantine-delete'
    enabled: true
    type: 'Lifecycle'
    definition: {
      filters: {
        blobTypes: [
          'blockBlob'
        ]
        prefixMatch: [
          '${containers.quarantine}/'
        ]
      }
      actions: {
        baseBlob: {
          delete: {
            daysAfterModificationGreaterThan: quarantineDeleteAfterDays
          }
        }
      }
    }
  }
]

module account '../core/storage/storage-account.bicep' = {
  name: 'lake-account'
  params: {
    name: name
    location: location
    tags: tags
    isHnsEnabled: true
    // Zone-redundant: curated history is what the dashboards show; it outlives source-side cleanups.
    skuName: 'Standard_ZRS'
    containers: [
      containers.raw
      containers.curated
      containers.quarantine
    ]
    lifecycleRules: lifecycleRules
    softDeleteDays: softDeleteDays
    workspaceId: workspaceId
    // Synapse reaches the lake from Microsoft's network, not the VNet: let in that one workspace
    // (its managed identity still needs its role on curated).
    networkAccess: union(networkAccess, {
      resourceAccessRules: empty(synapseWorkspaceId) ? [] : [
        {
          tenantId: tenant().tenantId
          resourceId: synapseWorkspaceId
        }
      ]
    })
  }
}

output id string = account.outputs.id
output name string = account.outputs.name
output blobEndpoint string = account.outputs.blobEndpoint
output dfsEndpoint string = account.outputs.dfsEndpoint
