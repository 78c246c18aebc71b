import type { ActionName, JsonObject } from '@dh-mqtt/protocol';
import { insertTestDevice, STORAGE_KINDS, useTestDatabase } from '../testing';
import { commandActions } from './command.actions';
import {
  bodyOf,
  createEventWorld,
  errorOf,
  eventRunner,
  type EventWorld,
} from '../testing/event-actions.fixtures';
import { notificationActions } from './notification.actions';

// command/list and notification/list share filters, sorting and paging (docs/api/commands.md,
// docs/api/notifications.md, docs/api/README.md): one table of behaviours run for both.

const LISTS = [
  {
    kind: 'command',
    insert: 'command/insert',
    list: 'command/list',
    nameField: 'command',
    replyKey: 'commands',
  },
  {
    kind: 'notification',
    insert: 'notification/insert',
    list: 'notification/list',
    nameField: 'notification',
    replyKey: 'notifications',
  },
] as const;

// Seeded rows: name, timestamp; inserted in this order (so id order = this order).
const SEED: ReadonlyArray<[string, string]> = [
  ['b', '2020-01-03T00:00:00.000'],
  ['a', '2020-01-01T00:00:00.000'],
  ['c', '2020-01-04T00:00:00.000'],
  ['a', '2020-01-02T00:00:00.000'],
];

describe.each(STORAGE_KINDS)('list actions on %s', (storage) => {
  const db = useTestDatabase(storage);
  const run = eventRunner({ ...commandActions, ...notificationActions }, db);
  let world: EventWorld;
  beforeAll(async () => {
    world = await createEventWorld(db());
  });

  describe.each(LISTS)('$list', ({ kind, insert, list, nameField, replyKey }) => {
    let deviceId: string;
    beforeAll(async () => {
      deviceId = await insertTestDevice(db(), {
        networkId: world.networkA,
        deviceTypeId: world.deviceType,
      });
      for (const [name, timestamp] of SEED) {
        const extra = kind === 'command' ? { status: name === 'a' ? 'Done' : 'pending' } : {};
        const payload = { [nameField]: name, timestamp, ...extra };
        bodyOf(await run(insert as ActionName, { deviceId, [nameField]: payload }));
      }
    });

    const listed = async (request: JsonObject) => {
      const body = bodyOf(await run(list as ActionName, { deviceId, ...request }));
      return (body[replyKey] as JsonObject[]).map((e) => `${e[nameField]}@${e['timestamp']}`);
    };
    const seeded = (...indexes: number[]) =>
      indexes.map((i) => SEED[i]).map((row) => `${row?.[0]}@${row?.[1]}`);

    it('lists in id order without a sortField', async () => {
      expect(await listed({})).toEqual(seeded(0, 1, 2, 3));
    });

    it.each([
      ['timestamp, descending by default', { sortField: 'timestamp' }, [2, 0, 3, 1]],
      ['timestamp ASC', { sortField: 'timestamp', sortOrder: 'ASC' }, [1, 3, 0, 2]],
      [
        'timestamp, case-insensitive order',
        { sortField: 'timestamp', sortOrder: 'asc' },
        [1, 3, 0, 2],
      ],
      ['name DESC, ties by id DESC', { sortField: nameField }, [2, 0, 3, 1]],
      ['name ASC, ties by id ASC', { sortField: nameField, sortOrder: 'ASC' }, [1, 3, 0, 2]],
    ])('sorts by %s', async (_, request, order) => {
      expect(await listed(request)).toEqual(seeded(...order));
    });

    it('filters by start and end, both inclusive', async () => {
      const request = { start: '2020-01-02T00:00:00.000', end: '2020-01-03T00:00:00Z' };
      expect(await listed(request)).toEqual(seeded(0, 3));
    });

    it('filters by exact name', async () => {
      expect(await listed({ [nameField]: 'a' })).toEqual(seeded(1, 3));
      expect(await listed({ [nameField]: 'A' })).toEqual([]);
    });

    it('pages with take and skip', async () => {
      expect(await listed({ sortField: 'timestamp', take: 2, skip: 1 })).toEqual(seeded(0, 3));
    });

    it('replies 400 for an unparseable sortOrder', async () => {
      expect(errorOf(await run(list as ActionName, { deviceId, sortOrder: 'sideways' }))).toEqual({
        code: 400,
        error: 'Unparseable sort order : sideways',
      });
    });

    it('replies 400 when deviceId is missing and 404 for an unknown device', async () => {
      expect(errorOf(await run(list as ActionName, {}))).toEqual({
        code: 400,
        error: 'Device id is wrong or empty',
      });
      expect(errorOf(await run(list as ActionName, { deviceId: 'nope' }))).toEqual({
        code: 404,
        error: 'Device with such deviceId = nope not found',
      });
    });

    it('hides the device of another network from a CLIENT', async () => {
      const result = await run(
        list as ActionName,
        { deviceId: world.deviceB },
        {
          principal: world.client,
        },
      );
      expect(errorOf(result).code).toBe(kind === 'command' ? 403 : 404);
    });

    it('lists a visible device for a CLIENT', async () => {
      const result = await run(list as ActionName, { deviceId }, { principal: world.client });
      expect(bodyOf(result)[replyKey]).toHaveLength(SEED.length);
    });
  });

  describe('command/list', () => {
    it('filters by status case-insensitively', async () => {
      const deviceId = await insertTestDevice(db(), {
        networkId: world.networkA,
        deviceTypeId: world.deviceType,
      });
      for (const status of ['Done', 'done', 'DONE!', null]) {
        await run('command/insert', { deviceId, command: { command: 's', status } });
      }
      const body = bodyOf(await run('command/list', { deviceId, status: 'dONe' }));
      expect((body['commands'] as JsonObject[]).map((c) => c['status'])).toEqual(['Done', 'done']);
    });

    it('returns 20 commands by default', async () => {
      const deviceId = await insertTestDevice(db(), {
        networkId: world.networkA,
        deviceTypeId: world.deviceType,
      });
      for (let i = 0; i < 22; i += 1) {
        await run('command/insert', { deviceId, command: { command: `c${i}` } });
      }
      const body = bodyOf(await run('command/list', { deviceId }));
      expect((body['commands'] as JsonObject[]).map((c) => c['command'])).toEqual(
        Array.from({ length: 20 }, (_, i) => `c${i}`),
      );
    });
  });
});
