import type { ActionName, JsonObject, Principal } from '@dh-mqtt/protocol';
import {
  adminPrincipal,
  clientPrincipal,
  insertTestDevice,
  insertTestNamedEntity,
  insertTestUser,
  runTestAction,
  STORAGE_KINDS,
  testActionContext,
  uniqueTestName,
  useTestDatabase,
} from '../testing';
import { networkActions } from './network.actions';

const admin = adminPrincipal();

describe.each(STORAGE_KINDS)('networkActions list and count on %s', (kind) => {
  const db = useTestDatabase(kind);
  const run = (action: ActionName, request: JsonObject, principal: Principal | null = admin) =>
    runTestAction(networkActions, action, testActionContext(db(), principal), request);
  const names = async (request: JsonObject, principal: Principal = admin) => {
    const result = await run('network/list', request, principal);
    if (result.status !== 'success') throw new Error(JSON.stringify(result));
    return (result.body['networks'] as Array<{ name: string }>).map((n) => n.name);
  };

  describe('network/list', () => {
    it('replies with the listed view of every network, the bootstrap one included', async () => {
      const result = await run('network/list', { name: 'Sample Network' });
      expect(result).toEqual({
        status: 'success',
        body: {
          networks: [{ id: 1, name: 'Sample Network', description: 'A DeviceHive Sample Network' }],
        },
      });
    });

    describe('when filtering by namePattern', () => {
      const prefix = uniqueTestName('like');
      const stored = [
        `${prefix}-50%_off`,
        `${prefix}-50xyoff`,
        `${prefix}-O'Brien; DROP TABLE dh_network; --`,
        `${prefix}-back\\slash`,
        `${prefix}-Mixed`,
        `${prefix}-end\\`,
      ];
      beforeAll(async () => {
        for (const name of stored) await insertTestNamedEntity(db(), 'dh_network', name);
      });

      it.each([
        ['% matches any run', `${prefix}-50%off`, [stored[0], stored[1]]],
        ['_ matches exactly one character', `${prefix}-50__off`, [stored[0], stored[1]]],
        ['_ never matches two characters', `${prefix}-50_off`, []],
        ['\\% and \\_ match the literal characters', `${prefix}-50\\%\\_off`, [stored[0]]],
        [
          'quotes and SQL text are inert',
          `${prefix}-O'Brien; DROP TABLE dh_network; --`,
          [stored[2]],
        ],
        ['\\\\ matches one backslash', `${prefix}-back\\\\slash`, [stored[3]]],
        ['a lone trailing backslash is literal', `${prefix}%\\`, [stored[5]]],
        ['matching is case-sensitive', `${prefix}-mixed`, []],
      ])('%s', async (_label, namePattern, expected) => {
        await expect(names({ namePattern })).resolves.toEqual(expected);
      });

      it('combines name and namePattern with AND', async () => {
        await expect(names({ namePattern: `${prefix}%`, name: stored[4] })).resolves.toEqual([
          stored[4],
        ]);
        await expect(names({ namePattern: `${prefix}-50%`, name: stored[4] })).resolves.toEqual([]);
      });
    });

    describe('when sorting and paging', () => {
      const prefix = uniqueTestName('page');
      const stored = Array.from(
        { length: 23 },
        (_, i) => `${prefix}-${String(i).padStart(2, '0')}`,
      );
      beforeAll(async () => {
        for (const name of [...stored].reverse())
          await insertTestNamedEntity(db(), 'dh_network', name);
      });

      it('returns 20 networks by default, ordered by id', async () => {
        await expect(names({ namePattern: `${prefix}%` })).resolves.toEqual(
          [...stored].reverse().slice(0, 20),
        );
      });

      it('accepts sortField and sortOrder in any case', async () => {
        await expect(
          names({ namePattern: `${prefix}%`, sortField: 'NAME', sortOrder: 'desc', take: 3 }),
        ).resolves.toEqual([stored[22], stored[21], stored[20]]);
      });

      it('applies take and skip; take 0 means no limit', async () => {
        await expect(
          names({ namePattern: `${prefix}%`, sortField: 'name', take: 2, skip: 5 }),
        ).resolves.toEqual([stored[5], stored[6]]);
        await expect(names({ namePattern: `${prefix}%`, take: 0 })).resolves.toHaveLength(23);
      });

      it.each([
        [{ sortField: 'description' }, 'Invalid request parameters'],
        [{ sortField: 'name', sortOrder: 'sideways' }, 'Unparseable sort order : sideways'],
      ])('replies 400 to %j', async (request, error) => {
        await expect(run('network/list', request)).resolves.toEqual({
          status: 'error',
          code: 400,
          error,
        });
      });
    });
  });

  describe('for a CLIENT user assigned to one network', () => {
    let own: number;
    let other: number;
    let client: Principal;
    beforeAll(async () => {
      own = await insertTestNamedEntity(db(), 'dh_network');
      other = await insertTestNamedEntity(db(), 'dh_network');
      await insertTestDevice(db(), { networkId: own, deviceTypeId: 1, id: uniqueTestName('own') });
      const userId = await insertTestUser(db(), { networkIds: [own] });
      client = clientPrincipal({ userId, userNetworkIds: [own] });
    });

    it('lists and counts only that network', async () => {
      const list = await run('network/list', {}, client);
      expect(list).toMatchObject({ status: 'success', body: { networks: [{ id: own }] } });
      await expect(run('network/count', {}, client)).resolves.toMatchObject({
        body: { count: 1 },
      });
    });

    it('replies 403 to network/get of another network', async () => {
      await expect(run('network/get', { networkId: other }, client)).resolves.toEqual({
        status: 'error',
        code: 403,
        error: 'Access is denied',
      });
    });

    it('replies 404 when a wildcard token reaches an unassigned network', async () => {
      const wildcard = { ...client, networkIds: '*' as const };
      await expect(run('network/get', { networkId: other }, wildcard)).resolves.toEqual({
        status: 'error',
        code: 404,
        error: `Network with id = ${other} not found`,
      });
    });

    it('lists nothing without any network access', async () => {
      const none = clientPrincipal({ userId: client.userId, userNetworkIds: [] });
      await expect(run('network/list', {}, none)).resolves.toEqual({
        status: 'success',
        body: { networks: [] },
      });
      await expect(run('network/count', {}, none)).resolves.toMatchObject({ body: { count: 0 } });
    });
  });

  describe('network/count', () => {
    it('counts the networks matching the filters', async () => {
      const prefix = uniqueTestName('count');
      await insertTestNamedEntity(db(), 'dh_network', `${prefix}-a`);
      await insertTestNamedEntity(db(), 'dh_network', `${prefix}-b`);
      await expect(run('network/count', { namePattern: `${prefix}-%` })).resolves.toEqual({
        status: 'success',
        body: { count: 2 },
      });
      await expect(run('network/count', { name: `${prefix}-a` })).resolves.toMatchObject({
        body: { count: 1 },
      });
    });
  });
});
