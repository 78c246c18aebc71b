export type {
  ActionContext,
  ActionImpl,
  ActionOutcome,
  ActionTable,
  CoreServices,
} from './core/action';
export {
  createDeviceHive,
  mergeActionTables,
  type CoreLogger,
  type DeviceHive,
  type DeviceHiveOptions,
} from './devicehive';
export { RequestRanAlready, type CallContext, type DeviceHivePort } from './devicehive.port';
export { API_VERSION, type SystemInfoOptions } from './actions/system.actions';
export {
  ACCESS_TOKEN_LIFETIME_MS,
  REFRESH_TOKEN_LIFETIME_MS,
  TokenType,
  verifyToken,
  type TokenPayload,
} from './auth/jwt';
export {
  hashNewPassword,
  hashPassword,
  newSalt,
  SCRYPT_PARAMS,
  verifyPassword,
  type ScryptParams,
} from './auth/password';
export { setUserPassword, unlockUser, type UnlockOutcome } from './auth/user-recovery';
export {
  BOOTSTRAP_ADMIN_LOGIN,
  checkDefaultAdminPassword,
  DEFAULT_ADMIN_PASSWORD_WARNING,
  DefaultAdminPasswordError,
  usesDefaultAdminPassword,
  type DefaultAdminPasswordPolicy,
} from './auth/default-admin';
export { isSecretSetting, JWT_SECRET_SETTING, SECRET_SETTINGS } from './auth/jwt-secret';
export { seedBootstrapData, SAMPLE_DEVICE_ID } from './storage/bootstrap';
export { SubscriptionIdGenerator, subscriptionIds } from './subscriptions/subscription-id';
export { MAX_REPLAY_LIMIT, NOTIFICATION_REPLAY_LIMIT } from './actions/subscription.actions';
export {
  acquireDataDirLock,
  DATA_DIR_LOCK_FILE,
  DataDirInUseError,
  type DataDirHolder,
  type DataDirLock,
} from './storage/data-dir-lock';
export { loadMigrations, migrate, type Migration } from './storage/migrate';
export { openStorage, type StorageOptions } from './storage/open-storage';
export { openPg, type PgOptions } from './storage/pg-client';
export { openPglite } from './storage/pglite-client';
export type { SqlClient } from './storage/sql-client.port';
export {
  createRequestLedger,
  REQUEST_LEDGER_RETENTION_MS,
  type RequestLedger,
} from './repositories/request-ledger';
