/**
 * The partition-rewrite stage: snapshot what a (collection, day) partition holds, build its
 * replacement from a document source (MongoDB, or raw with a keep-predicate) through the one
 * document sink, swap it in without readers seeing it empty or doubled, retire what it supersedes.
 * Backfill, compaction, re-score, change capture, purge, erasure and reconcile all use it.
 */
export { snapshotPartition, WatermarkMovingError, type PartitionSnapshot, type SnapshotHooks } from "./partition-snapshot.js";
export { DocumentSink, fillSink, emptyCounts, type DayCounts, type SinkZones, type SinkOptions, type Reread } from "./document-sink.js";
export { mongoDocuments, exactDocument } from "./mongo-source.js";
export { carryHistory, CurrentVersions, departure, type HistoryCarried, type HistoryInput } from "./carry-history.js";
export { currentRawDocuments, readRawState, zoneLines, versionText, type RawState } from "./raw-source.js";
export { TOMBSTONE_FIELD, tombstoneLine, lineKey, documentKey, historyKey, idFromText, isNewer, parseRawLine, idText, type Tombstone, type TombstoneReason, type LineKey } from "./raw-history.js";
export { rebuildDay, type RebuildInput } from "./rebuild-day.js";
export { rescoreDay, type RescoreInput } from "./rescore-day.js";
export { replacePartition, type Replacement, type ReplaceSteps } from "./replace-partition.js";
export { retireSuperseded } from "./retire-files.js";
export { lockPartition, partitionLockName, PartitionBusyError } from "./partition-lock.js";
