import { AclConnection } from './acl-connection';
import {
  ALL_ACTIONS,
  loginToken,
  type OracleDevice,
  type OraclePrincipal,
  type OracleToken,
  type OracleUser,
  type OracleWorld,
} from './acl-oracle';

/** Where the proof runs: one or more MQTT listeners of the same deployment. */
export interface AclTarget {
  /** Connections are spread over these round-robin (cluster: pushes then cross pods). */
  mqttUrls: readonly string[];
  /** An ADMIN user able to create networks, device types, users and tokens. */
  admin: { username: string; password: string };
}

/** How a principal of the matrix gets its session. */
export type Credentials =
  | { kind: 'anonymous' }
  | { kind: 'login'; username: string; password: string }
  | { kind: 'token'; accessToken: string };

/** One row of the matrix: a session identity and what the oracle knows about it. */
export interface AclPrincipal {
  name: string;
  credentials: Credentials;
  oracle: OraclePrincipal;
}

/** Everything the setup created, with the oracle's view of it. */
export interface AclWorld {
  runId: string;
  net: { n1: number; n2: number };
  type: { t1: number; t2: number };
  oracleWorld: OracleWorld;
  /** N1T1, N1T2, N2T1, N2T2, in that order. */
  devices: OracleDevice[];
  principals: AclPrincipal[];
  /** Every access token the setup issued (never to be seen by any observer). */
  tokens: string[];
}

type Reply = Record<string, unknown>;

/**
 * Creates the matrix's world over MQTT as the admin (docs/api/README.md): networks N1 and N2,
 * device types T1 and T2, one device per (network, type), CLIENT users with different
 * assignments, and tokens from `token/create` with restricted actions or scopes. Names carry
 * `runId`, so a shared deployment (the cluster) can run the proof more than once.
 */
export async function createAclWorld(target: AclTarget, runId: string): Promise<AclWorld> {
  const setup = await AclConnection.open(target.mqttUrls[0] ?? '', `acl-${runId}-setup`, {
    ...target.admin,
  });
  let seq = 0;
  const ok = async (body: Reply): Promise<Reply> => {
    const reply = await setup.ask(body, `setup-${++seq}`);
    if (reply['status'] !== 'success') {
      throw new Error(`setup ${String(body['action'])} failed: ${JSON.stringify(reply)}`);
    }
    return reply;
  };
  const idOf = (reply: Reply, key: string) => (reply[key] as { id: number }).id;
  try {
    if ((await setup.subscribe('dh/response/#')) !== 1) throw new Error('setup: no replies');
    const network = async (name: string) =>
      idOf(
        await ok({ action: 'network/insert', network: { name: `acl-${runId}-${name}` } }),
        'network',
      );
    const deviceType = async (name: string) =>
      idOf(
        await ok({ action: 'devicetype/insert', deviceType: { name: `acl-${runId}-${name}` } }),
        'deviceType',
      );
    const net = { n1: await network('N1'), n2: await network('N2') };
    const type = { t1: await deviceType('T1'), t2: await deviceType('T2') };
    const devices: OracleDevice[] = [];
    for (const [n, networkId] of Object.entries(net)) {
      for (const [t, deviceTypeId] of Object.entries(type)) {
        const id = `acl-${runId}-${n}-${t}`;
        await ok({
          action: 'device/save',
          deviceId: id,
          device: { name: id, networkId, deviceTypeId },
        });
        devices.push({ id, networkId, deviceTypeId });
      }
    }

    const adminId = idOf(await ok({ action: 'user/getCurrent' }), 'current');
    const adminUser: OracleUser = {
      role: 'admin',
      networks: [],
      allDeviceTypesAvailable: true,
      deviceTypes: [],
    };
    const client = async (name: string, networks: number[], deviceTypes: number[] | '*') => {
      const login = `acl${runId}${name.replaceAll('-', '')}`;
      const password = `pw-${runId}-${name}-Aa1!`;
      const all = deviceTypes === '*';
      const id = idOf(
        await ok({
          action: 'user/insert',
          user: { login, password, role: 1, status: 0, allDeviceTypesAvailable: all },
        }),
        'user',
      );
      for (const networkId of networks)
        await ok({ action: 'user/assignNetwork', userId: id, networkId });
      for (const deviceTypeId of all ? [] : deviceTypes) {
        await ok({ action: 'user/assignDeviceType', userId: id, deviceTypeId });
      }
      const user: OracleUser = {
        role: 'client',
        networks,
        allDeviceTypesAvailable: all,
        deviceTypes: all ? [] : deviceTypes,
      };
      return { login, password, user, id };
    };
    const n1All = await client('client-n1', [net.n1], '*');
    const n1T1 = await client('client-n1-t1', [net.n1], [type.t1]);
    const n2All = await client('client-n2', [net.n2], '*');
    const none = await client('client-none', [], '*');

    const tokens: string[] = [];
    const token = async (userId: number, payload: Reply, claims: OracleToken) => {
      const reply = await ok({ action: 'token/create', payload: { userId, ...payload } });
      const accessToken = String(reply['accessToken']);
      tokens.push(accessToken, String(reply['refreshToken']));
      return { credentials: { kind: 'token', accessToken } as const, claims };
    };
    const withoutNotifications = ALL_ACTIONS.filter((a) => a !== 'GetDeviceNotification');
    const adminN1 = await token(
      adminId,
      { actions: ['*'], networkIds: [net.n1] },
      { actions: '*', networks: [net.n1], deviceTypes: null },
    );
    const adminNoNotif = await token(
      adminId,
      { actions: withoutNotifications, networkIds: ['*'], deviceTypeIds: ['*'] },
      { actions: withoutNotifications, networks: '*', deviceTypes: '*' },
    );
    const adminNoActions = await token(
      adminId,
      { networkIds: ['*'], deviceTypeIds: ['*'] },
      { actions: [], networks: '*', deviceTypes: '*' },
    );
    const notifOnly = ['GetDeviceNotification', 'CreateDeviceNotification'];
    const clientNoCmd = await token(
      n1All.id,
      { actions: notifOnly, networkIds: ['*'], deviceTypeIds: ['*'] },
      { actions: notifOnly, networks: '*', deviceTypes: '*' },
    );
    const t1UserAllTypes = await token(
      n1T1.id,
      { actions: [], networkIds: [net.n1, net.n2], deviceTypeIds: ['*'] },
      { actions: 'client', networks: [net.n1, net.n2], deviceTypes: '*' },
    );

    const login = (u: { login: string; password: string; user: OracleUser }, name: string) => ({
      name,
      credentials: { kind: 'login', username: u.login, password: u.password } as const,
      oracle: { user: u.user, token: loginToken(u.user) },
    });
    const viaToken = (t: Awaited<ReturnType<typeof token>>, user: OracleUser, name: string) => ({
      name,
      credentials: t.credentials,
      oracle: { user, token: t.claims },
    });
    const principals: AclPrincipal[] = [
      {
        name: 'anonymous',
        credentials: { kind: 'anonymous' },
        oracle: { user: null, token: null },
      },
      {
        name: 'admin',
        credentials: { kind: 'login', ...target.admin },
        oracle: { user: adminUser, token: loginToken(adminUser) },
      },
      login(n1All, 'client-n1'),
      login(n1T1, 'client-n1-t1'),
      login(n2All, 'client-n2'),
      login(none, 'client-none'),
      viaToken(adminN1, adminUser, 'token-admin-n1'),
      viaToken(adminNoNotif, adminUser, 'token-admin-no-notif'),
      viaToken(adminNoActions, adminUser, 'token-admin-no-actions'),
      viaToken(clientNoCmd, n1All.user, 'token-client-n1-notif-only'),
      viaToken(t1UserAllTypes, n1T1.user, 'token-client-n1-t1-dt-star'),
    ];
    return {
      runId,
      net,
      type,
      oracleWorld: { networks: Object.values(net), deviceTypes: Object.values(type) },
      devices,
      principals,
      tokens,
    };
  } finally {
    await setup.close();
  }
}
