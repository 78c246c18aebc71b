export type {
export type { CallContext, DeviceHivePort } from './devicehive.port';
  ActionContext,
  ActionImpl,
  ActionOutcome,
  ActionTable,
  CoreServices,
} from './core/action';
export { hashPassword, newSalt, seedBootstrapData, SAMPLE_DEVICE_ID } from './storage/bootstrap';
export { loadMigrations, migrate, type Migration } from './storage/migrate';
export { openPglite } from './storage/pglite-client';
export type { SqlClient } from './storage/sql-client.port';
