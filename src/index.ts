// The public library API: stage functions, their types, and errors. Nothing else is public.
// The library never prints; it emits RunEvents to the sink you pass.

export type { Catalog, Column, ColumnType, Table } from './catalog/model.js';
export { parseConfig, resolveConfig } from './config/load-config.js';
export type { Config } from './config/schema.js';
export { redactUrl } from './config/urls.js';
export { DIALECTS, type Dialect, type DialectName } from './dialect/capabilities.js';
export { ERROR_CODES, type ErrorCode, MigrationError, exitCodeFor, isMigrationError } from './errors.js';
export type { EventSink, RunEvent } from './events.js';
export type { DdlOp, MigrationPlan, TablePlan } from './plan/model.js';
export { buildPlan } from './plan/plan.js';
export type { BackupManifest, RestoreCheck, TableSum } from './backup/manifest.js';
export { type BackupResult, type RunBackupOptions, runBackup } from './pipeline/backup.js';
export { planFromSource, runSchema, type SchemaResult } from './pipeline/schema.js';
export { renderOp, renderScript } from './target/mysql/render-ddl.js';
