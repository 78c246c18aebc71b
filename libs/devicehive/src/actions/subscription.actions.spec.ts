import {
  subscriptionMatches,
  type JsonObject,
  type RequestSubscription,
  type SubscriptionFilter,
} from '@dh-mqtt/protocol';
import { adminPrincipal, clientPrincipal, STORAGE_KINDS, useTestDatabase } from '../testing';
import { SubscriptionIdGenerator } from '../subscriptions/subscription-id';
import { commandActions } from './command.actions';
import {
  createEventWorld,
  errorOf,
  eventRunner,
  type EventWorld,
} from '../testing/event-actions.fixtures';
import { notificationActions } from './notification.actions';
import { createSubscriptionActions } from './subscription.actions';

const ids = new SubscriptionIdGenerator(() => 1_518_103_722_145, 7);
const actions = { ...commandActions, ...notificationActions, ...createSubscriptionActions(ids) };

describe.each(STORAGE_KINDS)('subscribe actions on %s', (kind) => {
  const db = useTestDatabase(kind);
  const run = eventRunner(actions, db);
  let world: EventWorld;
  let allTypes: number[];
  beforeAll(async () => {
    world = await createEventWorld(db());
    const { rows } = await db().query<{ id: unknown }>('SELECT id FROM dh_device_type ORDER BY id');
    allTypes = rows.map((row) => Number(row.id));
  });

  const subscribe = async (
    action: 'command/subscribe' | 'notification/subscribe',
    request: JsonObject,
    principal = adminPrincipal(),
  ) => {
    const result = await run(action, request, { principal });
    if (result.status !== 'success') throw new Error(JSON.stringify(result));
    return result;
  };
  const filters = (networkIds: number[], typeIds: number[], names: (string | null)[] = [null]) =>
    networkIds.flatMap((networkId) =>
      typeIds.flatMap((deviceTypeId) =>
        names.map((name): SubscriptionFilter => ({
          networkId,
          deviceTypeId,
          deviceId: null,
          name,
        })),
      ),
    );

  describe.each(['command/subscribe', 'notification/subscribe'] as const)('%s', (action) => {
    const type = action === 'command/subscribe' ? 'command' : 'notification';

    it('replies with a 16-digit subscriptionId that the subscription carries', async () => {
      const result = await subscribe(action, {});
      const id = result.body['subscriptionId'] as number;
      expect(String(id)).toMatch(/^\d{16}$/);
      expect(result.body).toEqual({ subscriptionId: id });
      expect(result.subscription?.subscriptionId).toBe(id);
      expect(result.replay).toBeUndefined();
    });

    it('makes a global subscription for a wildcard admin without filters', async () => {
      const { subscription } = await subscribe(action, { names: ['temp'] });
      expect(subscription).toEqual<RequestSubscription>({
        subscriptionId: expect.any(Number),
        type,
        deviceId: null,
        networkIds: null,
        deviceTypeIds: null,
        names: ['temp'],
        timestamp: null,
        returnUpdatedCommands: false,
        filters: null,
      });
    });

    it('makes one filter per name for a device', async () => {
      const request = { deviceId: world.deviceA, names: ['a', 'b'], timestamp: 1577934245678 };
      const { subscription } = await subscribe(action, request);
      expect(subscription).toMatchObject({
        deviceId: world.deviceA,
        names: ['a', 'b'],
        timestamp: '2020-01-02T03:04:05.678',
      });
      expect(subscription?.filters).toEqual(
        ['a', 'b'].map((name) => ({
          networkId: world.networkA,
          deviceTypeId: world.deviceType,
          deviceId: world.deviceA,
          name,
        })),
      );
    });

    it('expands given networks over every device type visible now', async () => {
      const { subscription } = await subscribe(action, { networkIds: [world.networkB] });
      expect(subscription?.networkIds).toEqual([world.networkB]);
      expect(subscription?.filters).toEqual(filters([world.networkB], allTypes));
    });

    it('expands given networks × types × names', async () => {
      const request = {
        networkIds: [world.networkA, world.networkB],
        deviceTypeIds: [world.deviceType],
        names: ['x', 'y'],
      };
      const { subscription } = await subscribe(action, request);
      expect(subscription?.filters).toEqual(
        filters([world.networkA, world.networkB], [world.deviceType], ['x', 'y']),
      );
    });

    it("restricts a CLIENT's filter to its assigned networks", async () => {
      const { subscription } = await subscribe(action, {}, world.client);
      expect(subscription?.filters).toEqual(filters([world.networkA], allTypes));
    });

    it.each([
      ['networkIds', "Networks with such networkIds wasn't found: {[1, 987654]}"],
      ['deviceTypeIds', "Device types with such deviceTypeIds wasn't found: {[1, 987654]}"],
    ])('replies 404 to an admin for unknown %s, printing the set', async (field, error) => {
      const result = await run(action, { [field]: [987654, 1, 1] });
      expect(errorOf(result)).toEqual({ code: 404, error });
    });

    it.each([
      ['an unknown network', () => ({ networkIds: [987654] })],
      ['a network not assigned to it', () => ({ networkIds: [world.networkB] })],
      ['an unknown device type', () => ({ deviceTypeIds: [987654] })],
      ['a device of another network', () => ({ deviceId: world.deviceB })],
      ['an unknown device', () => ({ deviceId: 'nope' })],
    ])('replies 403 Access is denied to a CLIENT asking for %s', async (_, request) => {
      expect(errorOf(await run(action, request(), { principal: world.client }))).toEqual({
        code: 403,
        error: 'Access is denied',
      });
    });

    it('replies 404 to an admin for an unknown device', async () => {
      expect(errorOf(await run(action, { deviceId: 'nope' }))).toEqual({
        code: 404,
        error: 'Device with such deviceId = nope not found',
      });
    });

    it('replies 400 for an empty deviceId', async () => {
      expect(errorOf(await run(action, { deviceId: '' }))).toEqual({
        code: 400,
        error: 'Device id is wrong or empty',
      });
    });

    it('replies 403 to a principal without any network', async () => {
      const nobody = clientPrincipal({ userId: world.client.userId, userNetworkIds: [] });
      expect(errorOf(await run(action, {}, { principal: nobody }))).toEqual({
        code: 403,
        error: 'No access to any device type or network',
      });
    });
  });

  describe('the subscription it returns', () => {
    it('matches the events of its device and no other', async () => {
      const { subscription } = await subscribe('notification/subscribe', {
        deviceId: world.deviceA,
      });
      const matches = async (deviceId: string) => {
        const request = { deviceId, notification: { notification: 'n' } };
        const result = await run('notification/insert', request);
        const event = result.status === 'success' ? result.events?.[0] : undefined;
        if (!subscription || !event)
          throw new Error(`no subscription or event: ${JSON.stringify(result)}`);
        return subscriptionMatches(subscription, event);
      };
      expect(await matches(world.deviceA)).toBe(true);
      expect(await matches(world.deviceB)).toBe(false);
    });
  });
});
