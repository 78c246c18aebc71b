import type { DeviceEvent } from '@dh-mqtt/protocol';
import { FakeBrokerBus } from '../testing';
import { canonicalJson, deduplicateEvents } from './event-dedup';

const event = (id: number): DeviceEvent => ({
  kind: 'notification/insert',
  deviceId: 'd1',
  networkId: 1,
  deviceTypeId: 1,
  name: 'temp',
  data: { id, notification: 'temp' },
});

/** `once` as one pod sees it when every key is remembered (the Redis version's contract). */
function inMemoryOnce(): (key: string, work: () => Promise<void>) => Promise<boolean> {
  const done = new Set<string>();
  return async (key, work) => {
    if (done.has(key)) return false;
    done.add(key);
    await work();
    return true;
  };
}

describe(deduplicateEvents.name, () => {
  describe('when the same event is delivered twice (to this pod or another)', () => {
    it('hands it to the handler once', async () => {
      const once = inMemoryOnce();
      const inner = new FakeBrokerBus();
      const seen: unknown[] = [];
      deduplicateEvents(inner, once).onEvent((e) => void seen.push(e.data['id']));

      for (const e of [event(1), event(1), event(2), event(1)]) await inner.eventHandlers[0](e);

      expect(seen).toEqual([1, 2]);
    });
  });

  describe('when the same event comes with its parameters in another key order', () => {
    it('hands it to the handler once (a live push and a replay of a remote DeviceHive, with or without origin)', async () => {
      const once = inMemoryOnce();
      const inner = new FakeBrokerBus();
      const seen: unknown[] = [];
      deduplicateEvents(inner, once).onEvent((e) => void seen.push(e.data['parameters']));
      const live = {
        ...event(7),
        data: { id: 7, parameters: { from: 'a', seq: 1, n: { b: 1, a: 2 } } },
      };
      const replay = {
        ...event(7),
        data: { id: 7, parameters: { seq: 1, from: 'a', n: { a: 2, b: 1 } } },
      };

      const withOrigin = { ...replay, originClientId: 'c1' };
      for (const e of [
        live,
        replay,
        withOrigin,
        { ...event(7), data: { id: 7, parameters: { seq: 2 } } },
      ]) {
        await inner.eventHandlers[0](e);
      }

      expect(seen).toEqual([live.data.parameters, { seq: 2 }]);
      expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: null })).toBe(
        '{"a":null,"b":[{"c":2,"d":1}]}',
      );
    });
  });
});
