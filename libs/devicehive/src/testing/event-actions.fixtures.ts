import type { ActionName, JsonObject, Principal } from '@dh-mqtt/protocol';
import type { ActionTable } from '../core/action';
import type { SqlClient } from '../storage/sql-client.port';
import {
  adminPrincipal,
  clientPrincipal,
  insertTestDevice,
  insertTestNamedEntity,
  insertTestUser,
  runTestAction,
  testActionContext,
  uniqueTestName,
  type ActionResult,
} from './index';

// Fixtures of the command, notification and subscribe specs: rows inserted with direct SQL.

/** Two networks, one device type, a device in each network, and a CLIENT assigned network A. */
export interface EventWorld {
  networkA: number;
  networkB: number;
  deviceType: number;
  deviceA: string;
  deviceB: string;
  /** A device whose network column is NULL. */
  deviceWithoutNetwork: string;
  client: Principal;
}

export async function createEventWorld(sql: SqlClient): Promise<EventWorld> {
  const networkA = await insertTestNamedEntity(sql, 'dh_network');
  const networkB = await insertTestNamedEntity(sql, 'dh_network');
  const deviceType = await insertTestNamedEntity(sql, 'dh_device_type');
  const deviceA = await insertTestDevice(sql, { networkId: networkA, deviceTypeId: deviceType });
  const deviceB = await insertTestDevice(sql, { networkId: networkB, deviceTypeId: deviceType });
  const deviceWithoutNetwork = uniqueTestName('dev-nonet');
  await sql.query(
    `INSERT INTO dh_device (id, name, network_id, device_type_id) VALUES ($1, $1, NULL, $2)`,
    [deviceWithoutNetwork, deviceType],
  );
  const clientId = await insertTestUser(sql, { networkIds: [networkA] });
  const client = clientPrincipal({ userId: clientId, userNetworkIds: [networkA] });
  return { networkA, networkB, deviceType, deviceA, deviceB, deviceWithoutNetwork, client };
}

/** Runs an action like the core does (target check, then the action) for a principal/client. */
export function eventRunner(table: ActionTable, db: () => SqlClient) {
  return (
    action: ActionName,
    request: JsonObject,
    options: { principal?: Principal; clientId?: string; now?: Date } = {},
  ): Promise<ActionResult> => {
    const now = options.now ?? new Date('2018-02-08T15:49:29.123Z');
    const ctx = {
      ...testActionContext(db(), options.principal ?? adminPrincipal(), () => now),
      clientId: options.clientId ?? 'test-client',
    };
    return runTestAction(table, action, ctx, request);
  };
}

/** The body of a success, failing the test with the error reply otherwise. */
export function bodyOf(result: ActionResult): JsonObject {
  if (result.status !== 'success')
    throw new Error(`expected success, got ${JSON.stringify(result)}`);
  return result.body;
}

/** The error reply a user would see. */
export function errorOf(result: ActionResult): { code: number; error: string } {
  if (result.status !== 'error')
    throw new Error(`expected an error, got ${JSON.stringify(result)}`);
  return { code: result.code, error: result.error };
}
