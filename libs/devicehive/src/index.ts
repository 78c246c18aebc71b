export type {
  ActionContext,
  ActionImpl,
  ActionOutcome,
  ActionTable,
  CoreServices,
} from './core/action';
export type { CallContext, DeviceHivePort } from './devicehive.port';
export { hashPassword, newSalt, seedBootstrapData, SAMPLE_DEVICE_ID } from './storage/bootstrap';
export { loadMigrations, migrate, type Migration } from './storage/migrate';
export { openPglite } from './storage/pglite-client';
export type { SqlClient } from './storage/sql-client.port';
