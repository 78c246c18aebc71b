import {
  checkAccess,
  DhError,
  findAction,
  isDhError,
  type ActionName,
  type JsonObject,
} from '@dh-mqtt/protocol';
import { authActions } from './actions/auth.actions';
import { commandActions } from './actions/command.actions';
import { configurationActions } from './actions/configuration.actions';
import { deviceTypeActions } from './actions/device-type.actions';
import { deviceActions } from './actions/device.actions';
import { networkActions } from './actions/network.actions';
import { notificationActions } from './actions/notification.actions';
import { subscriptionActions } from './actions/subscription.actions';
import { createSystemActions, type SystemInfoOptions } from './actions/system.actions';
import { userActions } from './actions/user.actions';
import {
  BOOTSTRAP_ADMIN_LOGIN,
  checkDefaultAdminPassword,
  DEFAULT_ADMIN_PASSWORD_WARNING,
} from './auth/default-admin';
import { resolveJwtSecret } from './auth/jwt-secret';
import {
  typedRequest,
  type ActionContext,
  type ActionImpl,
  type ActionOutcome,
  type ActionTable,
  type CoreServices,
} from './core/action';
import { checkTarget } from './core/access';
import { deviceCacheFor, invalidatesDevices } from './core/device-cache';
import { DeviceLookups } from './core/device-lookups';
import { NotificationBatcher, type NotificationSlot } from './repositories/notification-batcher';
import type { CallContext, DeviceHivePort } from './devicehive.port';
import { openStorage, type StorageOptions } from './storage/open-storage';
import type { SqlClient } from './storage/sql-client.port';
import { describeError, sqlErrorToDhError } from './storage/sql-errors';

/** Where the core reports defects (pino-compatible). Never given passwords, tokens or secrets. */
export interface CoreLogger {
  error(details: Record<string, unknown>, message: string): void;
  /** Start-time warnings (the default admin password); absent: stderr. */
  warn?(details: Record<string, unknown>, message: string): void;
}

export interface DeviceHiveOptions extends StorageOptions, SystemInfoOptions {
  /**
   * Signing secret (`DH_JWT_SECRET`); else the stored one, else a generated one
   * (docs/api/README.md).
   */
  jwtSecret?: string;
  /** Clock; injectable for tests. */
  now?: () => Date;
  /** Defaults to stderr. */
  logger?: CoreLogger;
  /**
   * `DH_ALLOW_DEFAULT_ADMIN_PASSWORD`: a PostgreSQL database (`databaseUrl`) whose bootstrap
   * admin still has the published default password is refused unless true; PGlite only warns.
   */
  allowDefaultAdminPassword?: boolean;
  /**
   * An already migrated and bootstrapped storage to use instead of opening one (tests, or a
   * process that shares one pool); `close()` closes it.
   */
  sql?: SqlClient;
}

/** The DeviceHive core: the port the gateway calls, plus its storage for operations and tests. */
export interface DeviceHive extends DeviceHivePort {
  claimsWithWrite(action: ActionName): boolean;
  readonly sql: SqlClient;
}

/** Merges action tables; an action implemented twice is a wiring defect, caught at start. */
export function mergeActionTables(...tables: ActionTable[]): ActionTable {
  const merged: Partial<Record<ActionName, unknown>> = {};
  for (const table of tables) {
    for (const [name, impl] of Object.entries(table) as Array<[ActionName, unknown]>) {
      if (merged[name]) throw new Error(`action ${name} is implemented twice`);
      merged[name] = impl;
    }
  }
  return merged as ActionTable;
}

const stderrLine = (level: string) => (details: Record<string, unknown>, message: string) =>
  void process.stderr.write(`${JSON.stringify({ level, msg: message, ...details })}\n`);

const stderrLogger: Required<CoreLogger> = {
  error: stderrLine('error'),
  warn: stderrLine('warn'),
};

/**
 * Actions that make the request ledger claim in the statement of their write (docs/adr/0019):
 * `notification/insert`, the action a cluster runs most, whose group-committed `INSERT` carries
 * the claims of its rows. Every other action is claimed by the gateway before it runs.
 */
const CLAIMS_WITH_WRITE: ReadonlySet<ActionName> = new Set<ActionName>(['notification/insert']);

/**
 * Opens the storage (migrations, bootstrap data), resolves the JWT secret, and returns the core
 * serving every action of the merged tables:
 * unknown action ⇒ 400 `Illegal argument: <action>`; then docs/api/README.md steps 1–3 (`checkAccess`,
 * 401/403), the DTO validation unless the request is already `validateRequest`'s instance, step 4
 * (`checkTarget`), then the action. A DhError passes through; a database error becomes its reply (sql-errors.ts);
 * anything else is logged and answered 500 `Internal server error`, without internals.
 */
export async function createDeviceHive(options: DeviceHiveOptions = {}): Promise<DeviceHive> {
  const logger = options.logger ?? stderrLogger;
  // The storage reports to the same logger (a failed checkpoint of the embedded database).
  const sql = options.sql ?? (await openStorage({ ...options, logger }));
  let jwtSecret: string;
  try {
    jwtSecret = await resolveJwtSecret(sql, options.jwtSecret);
    // Opened here, not handed in: a process starting (docs/security.md, "Default admin password").
    if (!options.sql) {
      const policy = {
        shared: Boolean(options.databaseUrl),
        allowed: options.allowDefaultAdminPassword ?? false,
      };
      if (await checkDefaultAdminPassword(sql, policy)) {
        const details = { login: BOOTSTRAP_ADMIN_LOGIN };
        if (logger.warn) logger.warn(details, DEFAULT_ADMIN_PASSWORD_WARNING);
        else stderrLogger.warn(details, DEFAULT_ADMIN_PASSWORD_WARNING);
      }
    }
  } catch (error) {
    if (!options.sql) await sql.close(); // a given storage stays the caller's on failure
    throw error;
  }
  // Cached on an exclusive storage; on a shared one, a pass's lookups in one statement.
  const devices = deviceCacheFor(sql) ?? new DeviceLookups(sql);
  // PGlite has one connection; on a pool a few batches may be written side by side.
  const notifications = new NotificationBatcher(sql, { maxInFlight: sql.exclusive ? 1 : 4 });
  const services: CoreServices = {
    sql,
    jwtSecret,
    now: options.now ?? (() => new Date()),
    devices,
    notifications,
  };
  const actions = mergeActionTables(
    authActions,
    createSystemActions(options),
    configurationActions,
    networkActions,
    deviceTypeActions,
    deviceActions,
    userActions,
    commandActions,
    notificationActions,
    subscriptionActions,
  );

  async function execute(
    action: ActionName,
    request: JsonObject,
    context: CallContext,
  ): Promise<ActionOutcome> {
    const spec = findAction(action);
    const impl =
      spec && Object.prototype.hasOwnProperty.call(actions, action)
        ? (actions[action] as ActionImpl<ActionName> | undefined)
        : undefined;
    if (!spec || !impl) throw new DhError('DH_ERR_ILLEGAL_ACTION', String(action));
    const ctx: ActionContext = {
      ...services,
      principal: context.principal,
      clientId: context.clientId,
      ...(context.ledgerClaim !== undefined ? { ledgerClaim: context.ledgerClaim } : {}),
    };
    let slot: NotificationSlot | undefined;
    try {
      if (context.ledgerClaim !== undefined && !CLAIMS_WITH_WRITE.has(action)) {
        // Never run such an action unclaimed: that would break "at most once" (ADR 0006).
        throw new Error(`${action} cannot make its ledger claim with its write`);
      }
      // docs/api/README.md steps 1–3 again, so that no caller of the port can skip them.
      checkAccess(spec, ctx.principal);
      const typed = typedRequest(action, request);
      if (action === 'notification/insert' && context.sequenced) {
        // Its place in the batcher's order is taken before the device lookup, and the client's
        // next insert may start now: its lookup then joins this one's statement (ADR 0023).
        slot = notifications.reserve(context.clientId);
        ctx.notificationSlot = slot;
        context.sequenced();
      }
      await checkTarget(ctx, spec.target, typed);
      return await impl(ctx, typed);
    } catch (error) {
      if (isDhError(error)) throw error;
      const mapped = sqlErrorToDhError(error);
      if (mapped) throw mapped;
      logger.error({ action, ...describeError(error) }, 'action failed');
      throw new DhError('DH_ERR_INTERNAL');
    } finally {
      // A place the call did not fill (it failed first) no longer holds the client's later rows.
      slot?.cancel();
      // After the write committed (or failed): lookups from now on read the database again.
      if (invalidatesDevices(action)) devices.invalidate();
    }
  }

  return {
    sql,
    execute,
    claimsWithWrite: (action) => CLAIMS_WITH_WRITE.has(action),
    async ping() {
      try {
        await sql.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await notifications.idle(); // answer the inserts already accepted
      await sql.close();
    },
  };
}
