import { adminPrincipal } from '@dh-mqtt/protocol/testing';
import {
  CLIENT_PERMISSIONS,
  UserRole,
  type ActionName,
  type JsonObject,
  type Permission,
  type Principal,
} from '@dh-mqtt/protocol';
import { typedRequest, type ActionContext, type ActionImpl } from '../core/action';
import type { SqlClient } from '../storage/sql-client.port';
import { userActions } from '../actions/user.actions';

/* Fixtures shared by the user action specs (test-only; not exported by the library). */

/** The bootstrap admin (user 1) with an all-wildcard token. */
export const ADMIN: Principal = adminPrincipal();

/**
 * A CLIENT session as a login token builds it (docs/api/README.md), optionally with extra
 * permissions.
 */
export function clientPrincipal(
  userId: number,
  networkIds: number[],
  extra: Permission[] = [],
): Principal {
  return {
    ...ADMIN,
    userId,
    login: `client-${userId}`,
    role: UserRole.Client,
    permissions: [...CLIENT_PERMISSIONS, ...extra],
    networkIds,
    userNetworkIds: networkIds,
  };
}

let counter = 0;

/** A valid login (or entity name) unique within the test process. */
export const uniqueLogin = (prefix = 'u') => `${prefix}${++counter}_${process.pid}`;

/** Calls user actions on the database `db()` and creates fixtures through them. */
export function userActionHarness(db: () => SqlClient) {
  async function call(action: ActionName, request: JsonObject, principal: Principal = ADMIN) {
    const impl = userActions[action] as ActionImpl<ActionName> | undefined;
    if (!impl) throw new Error(`userActions has no ${action}`);
    const ctx: ActionContext = {
      sql: db(),
      principal,
      clientId: 'user-spec',
      now: () => new Date(),
      jwtSecret: 'secret',
    };
    return (await impl(ctx, typedRequest(action, request))).body;
  }

  return {
    call,
    /** Expects the call to fail with that reply status and exact error text. */
    rejects: (reply: Promise<unknown>, status: number, message: string) =>
      expect(reply).rejects.toMatchObject({ status, message }),
    async insertUser(user: JsonObject = {}): Promise<{ id: number; login: string }> {
      const login = uniqueLogin();
      const reply = await call('user/insert', {
        user: { login, role: UserRole.Client, password: 'secret1', ...user },
      });
      return { id: (reply['user'] as { id: number }).id, login };
    },
    /** The stored password columns of a user (to check hashing; never part of a reply). */
    async storedPassword(
      id: number,
    ): Promise<{ password_hash: string; password_salt: string | null }> {
      const { rows } = await db().query<{ password_hash: string; password_salt: string | null }>(
        'SELECT password_hash, password_salt FROM dh_user WHERE id = $1',
        [id],
      );
      if (!rows[0]) throw new Error(`no user ${id}`);
      return rows[0];
    },
    async insertNamed(table: 'dh_network' | 'dh_device_type'): Promise<number> {
      const { rows } = await db().query<{ id: unknown }>(
        `INSERT INTO ${table} (name) VALUES ($1) RETURNING id`,
        [uniqueLogin(table === 'dh_network' ? 'net' : 'dt')],
      );
      return Number(rows[0]?.id);
    },
  };
}
