import { DhError, UserRole, UserStatus, type JsonObject, type Principal } from '@dh-mqtt/protocol';
import { decodeJwt } from 'jose';
import type { TokenPayload } from '../auth/jwt';
import type { DeviceHive } from '../devicehive';
import { hashPassword, newSalt } from '../auth/password';
import type { SqlClient } from '../storage/sql-client.port';

let counter = 0;

/** Inserts a user with a password and assignments; returns its id and login. */
export async function createTestUser(
  sql: SqlClient,
  options: {
    password?: string;
    role?: UserRole;
    status?: UserStatus;
    login?: string;
    networkIds?: readonly number[];
    deviceTypeIds?: readonly number[];
    allDeviceTypesAvailable?: boolean;
  } = {},
): Promise<{ id: number; login: string }> {
  const login = options.login ?? `auth-user-${process.pid}-${++counter}`;
  const salt = newSalt();
  const { rows } = await sql.query<{ id: number }>(
    `INSERT INTO dh_user (login, password_hash, password_salt, role, status,
       all_device_types_available) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [
      login,
      hashPassword(options.password ?? 'secret-password', salt),
      salt,
      options.role ?? UserRole.Client,
      options.status ?? UserStatus.Active,
      options.allDeviceTypesAvailable ?? true,
    ],
  );
  const id = Number(rows[0]?.id);
  for (const networkId of options.networkIds ?? []) {
    await sql.query('INSERT INTO dh_user_network (user_id, network_id) VALUES ($1, $2)', [
      id,
      networkId,
    ]);
  }
  for (const deviceTypeId of options.deviceTypeIds ?? []) {
    await sql.query('INSERT INTO dh_user_device_type (user_id, device_type_id) VALUES ($1, $2)', [
      id,
      deviceTypeId,
    ]);
  }
  return { id, login };
}

/** The status and text a call rejected with (fails when it resolved or threw a non-DhError). */
export async function rejection(
  promise: Promise<unknown>,
): Promise<{ status: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DhError) return { status: error.status, message: error.message };
    throw error;
  }
  throw new Error('expected a rejection');
}

/** The `payload` claim of a JWT. */
export function tokenPayload(token: unknown): TokenPayload {
  return decodeJwt(String(token))['payload'] as TokenPayload;
}

/** Calls an action as `principal` (null = anonymous session). */
export function call(
  core: DeviceHive,
  action: Parameters<DeviceHive['execute']>[0],
  request: JsonObject,
  principal: Principal | null = null,
) {
  return core.execute(action, request, { principal, clientId: 'auth-test' });
}
