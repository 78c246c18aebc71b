import type { AclMarkers } from './acl-markers';
import type { AclObserver, ObserverRequest } from './acl-observers';
import { canSeeDevice, hasAction, type OracleDevice, type OracleEvent } from './acl-oracle';
import type { AclWorld } from './acl-world';

/** A request whose acceptance the oracle predicted (docs/api/README.md). */
export interface AclAttempt {
  by: string;
  action: string;
  deviceId: string;
  expected: 'accepted' | 'refused';
  reply: Record<string, unknown>;
}

/** What the traffic produced: the events that exist and the outcome of every guarded attempt. */
export interface AclTraffic {
  events: OracleEvent[];
  attempts: AclAttempt[];
}

interface StoredCommand {
  id: number;
  device: OracleDevice;
  name: string;
  origin: string;
}

/**
 * Drives the matrix's events (docs/topics/notification.md), each carrying a unique marker:
 * - per device, by the admin's filters connection: a notification and a command by request and
 *   by native publish; by the CLIENT user owning the device's network: one of each by request;
 * - every command updated by the connection that inserted it and by another one (request or
 *   native `dh/command_update`);
 * - every principal's filters connection probing every device with a notification insert and an
 *   update of the admin's command — accepted or refused as the oracle predicts;
 * - every observer asking `server/info`, `user/getCurrent` and `token` with a marker login and
 *   password: replies that only the asking connection may read.
 */
export async function driveTraffic(
  world: AclWorld,
  observers: readonly AclObserver[],
  request: ObserverRequest,
  markers: AclMarkers,
): Promise<AclTraffic> {
  const events: OracleEvent[] = [];
  const attempts: AclAttempt[] = [];
  let seq = 0;
  const marker = () => `E${world.runId}n${++seq}Z`;
  const filtersOf = (name: string) => {
    const found = observers.find((o) => o.principal.name === name && o.style === 'filters');
    if (!found) throw new Error(`no filters observer ${name}`);
    return found;
  };
  const admin = filtersOf('admin');
  const owner = (device: OracleDevice) =>
    filtersOf(device.networkId === world.net.n1 ? 'client-n1' : 'client-n2');
  const topic = (kind: string, device: OracleDevice, name: string) =>
    `dh/${kind}/${device.networkId}/${device.deviceTypeId}/${device.id}/${name}`;

  const notify = async (by: AclObserver, device: OracleDevice, name: string, native: boolean) => {
    const m = marker();
    const parameters = { m };
    const reply = native
      ? await by.conn.publishNative(
          topic('notification', device, name),
          { parameters },
          'notification/insert',
        )
      : await request(by, {
          action: 'notification/insert',
          deviceId: device.id,
          notification: { notification: name, parameters },
        });
    if (reply['status'] === 'success') {
      events.push({ marker: m, kind: 'notification', device, name, commandOrigin: null });
    }
    return reply;
  };
  const command = async (by: AclObserver, device: OracleDevice, name: string, native: boolean) => {
    const m = marker();
    const body = { command: name, parameters: { m } };
    const reply = native
      ? await by.conn.publishNative(topic('command', device, name), body, 'command/insert')
      : await request(by, { action: 'command/insert', deviceId: device.id, command: body });
    if (reply['status'] !== 'success') {
      throw new Error(`${by.conn.clientId}: command/insert failed: ${JSON.stringify(reply)}`);
    }
    const origin = by.conn.clientId;
    events.push({ marker: m, kind: 'command', device, name, commandOrigin: origin });
    return { id: (reply['command'] as { id: number }).id, device, name, origin };
  };
  const update = async (by: AclObserver, cmd: StoredCommand, native: boolean) => {
    const m = marker();
    const change = { status: `s-${m}`, result: { u: m } };
    const reply = native
      ? await by.conn.publishNative(
          topic('command_update', cmd.device, cmd.name),
          { id: cmd.id, ...change },
          'command/update',
        )
      : await request(by, {
          action: 'command/update',
          deviceId: cmd.device.id,
          commandId: cmd.id,
          command: change,
        });
    if (reply['status'] === 'success') {
      events.push({
        marker: m,
        kind: 'command_update',
        device: cmd.device,
        name: cmd.name,
        commandOrigin: cmd.origin,
      });
    }
    return reply;
  };
  const must = (reply: Record<string, unknown>, what: string) => {
    if (reply['status'] !== 'success') throw new Error(`${what} failed: ${JSON.stringify(reply)}`);
  };

  const adminCommands: StoredCommand[] = [];
  for (const device of world.devices) {
    must(await notify(admin, device, 'n-req', false), 'admin notification/insert');
    must(await notify(admin, device, 'n-native', true), 'admin native notification');
    must(await notify(owner(device), device, 'n-client', false), 'client notification/insert');
    const byRequest = await command(admin, device, 'c-req', false);
    const byNative = await command(admin, device, 'c-native', true);
    const byClient = await command(owner(device), device, 'c-client', false);
    adminCommands.push(byRequest);
    must(await update(admin, byRequest, false), 'update by inserter');
    must(await update(owner(device), byRequest, true), 'native update by another client');
    must(await update(admin, byNative, true), 'native update by inserter');
    must(await update(owner(device), byNative, false), 'update by another client');
    must(await update(owner(device), byClient, false), 'update by inserter');
    must(await update(admin, byClient, false), 'update by the admin');
  }

  for (const prober of observers.filter((o) => o.style === 'filters' && o !== admin)) {
    const p = prober.principal.oracle;
    for (const cmd of adminCommands) {
      const device = cmd.device;
      const may = (action: string) =>
        hasAction(p, action) && canSeeDevice(p, device) ? 'accepted' : 'refused';
      const by = prober.conn.clientId;
      attempts.push({
        by,
        action: 'notification/insert',
        deviceId: device.id,
        expected: may('CreateDeviceNotification'),
        reply: await notify(prober, device, 'n-probe', false),
      });
      attempts.push({
        by,
        action: 'command/update',
        deviceId: device.id,
        expected: may('UpdateDeviceCommand'),
        reply: await update(prober, cmd, false),
      });
    }
  }

  for (const observer of observers) {
    await request(observer, { action: 'server/info' });
    await request(observer, { action: 'user/getCurrent' });
    const login = markers.owned(observer.conn.clientId, 'L');
    await request(observer, { action: 'token', login, password: markers.secret('P') });
  }
  return { events, attempts };
}
