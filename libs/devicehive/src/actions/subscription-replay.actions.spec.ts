import type { DeviceEvent, JsonObject } from '@dh-mqtt/protocol';
import { adminPrincipal, STORAGE_KINDS, useTestDatabase } from '../testing';
import { commandActions } from './command.actions';
import {
  bodyOf,
  createEventWorld,
  eventRunner,
  type EventWorld,
} from '../testing/event-actions.fixtures';
import { notificationActions } from './notification.actions';
import { subscriptionActions } from './subscription.actions';

// Timestamp replay of request-made subscriptions (docs/api/subscriptions.md).

describe.each(STORAGE_KINDS)('subscribe replay on %s', (kind) => {
  const db = useTestDatabase(kind);
  const run = eventRunner(
    { ...commandActions, ...notificationActions, ...subscriptionActions },
    db,
  );
  let world: EventWorld;
  const commandIds: number[] = [];
  beforeAll(async () => {
    world = await createEventWorld(db());
    // Per device: events at day 1..4 of 2030, inserted newest first so id order ≠ time order.
    for (const deviceId of [world.deviceA, world.deviceB]) {
      for (const day of [4, 3, 2, 1]) {
        const timestamp = `2030-01-0${day}T00:00:00.000`;
        const name = `n${day}`;
        await run('notification/insert', {
          deviceId,
          notification: { notification: name, timestamp },
        });
        const reply = bodyOf(
          await run('command/insert', { deviceId, command: { command: name, timestamp } }),
        );
        if (deviceId === world.deviceA) commandIds.push((reply['command'] as { id: number }).id);
      }
    }
    // Updated on 2030-02-01: the commands of day 4 and day 2 of device A.
    for (const id of [commandIds[0], commandIds[2]]) {
      await run(
        'command/update',
        { deviceId: world.deviceA, commandId: id, command: { status: 'done' } },
        { now: new Date('2030-02-01T00:00:00Z') },
      );
    }
  });

  const replayOf = async (
    action: 'command/subscribe' | 'notification/subscribe',
    request: JsonObject,
    principal = adminPrincipal(),
  ): Promise<DeviceEvent[]> => {
    const result = await run(action, request, { principal });
    if (result.status !== 'success') throw new Error(JSON.stringify(result));
    return result.replay ?? [];
  };
  const summary = (events: DeviceEvent[]) =>
    events.map((e) => `${e.kind} ${e.deviceId === world.deviceA ? 'A' : 'B'} ${e.name}`);

  it('replays stored notifications from the timestamp on, oldest first', async () => {
    const events = await replayOf('notification/subscribe', {
      deviceId: world.deviceA,
      timestamp: '2030-01-02T00:00:00.000',
    });
    expect(summary(events)).toEqual([
      'notification/insert A n2',
      'notification/insert A n3',
      'notification/insert A n4',
    ]);
    expect(events[0]?.data).toMatchObject({
      notification: 'n2',
      deviceId: world.deviceA,
      networkId: world.networkA,
      deviceTypeId: world.deviceType,
      timestamp: '2030-01-02T00:00:00.000',
    });
  });

  it('replays only the events matching the names', async () => {
    const events = await replayOf('notification/subscribe', {
      networkIds: [world.networkA, world.networkB],
      names: ['n3'],
      timestamp: '2030-01-01',
    });
    expect(summary(events)).toEqual(['notification/insert A n3', 'notification/insert B n3']);
  });

  it('replays to a CLIENT only what it may see', async () => {
    const events = await replayOf(
      'notification/subscribe',
      { timestamp: '2030-01-04T00:00:00Z' },
      world.client,
    );
    expect(summary(events)).toEqual(['notification/insert A n4']);
  });

  it('caps a command replay at limit', async () => {
    const events = await replayOf('command/subscribe', {
      deviceId: world.deviceA,
      timestamp: '2030-01-01T00:00:00.000',
      limit: 2,
    });
    expect(summary(events)).toEqual(['command/insert A n1', 'command/insert A n2']);
    expect(events[0]?.originClientId).toBe('test-client');
  });

  it('replays only updated commands, as command/update, for returnUpdatedCommands', async () => {
    const events = await replayOf('command/subscribe', {
      deviceId: world.deviceA,
      timestamp: '2030-01-15T00:00:00.000',
      returnUpdatedCommands: true,
    });
    expect(summary(events)).toEqual(['command/update A n4', 'command/update A n2']);
    expect(events.map((e) => e.data['status'])).toEqual(['done', 'done']);
  });

  it('replays nothing without a timestamp', async () => {
    const result = await run('command/subscribe', { deviceId: world.deviceA });
    expect(result.status === 'success' && result.replay).toBeUndefined();
  });
});
