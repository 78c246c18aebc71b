import type { DeviceEvent } from '@dh-mqtt/protocol';
import { FakeBrokerBus } from '../testing';
import { deduplicateEvents } from './event-dedup';

const event = (id: number): DeviceEvent => ({
  kind: 'notification/insert',
  deviceId: 'd1',
  networkId: 1,
  deviceTypeId: 1,
  name: 'temp',
  data: { id, notification: 'temp' },
});

describe(deduplicateEvents.name, () => {
  describe('when the same event is delivered twice (to this pod or another)', () => {
    it('hands it to the handler once', async () => {
      const done = new Set<string>();
      const once = async (key: string, work: () => Promise<void>) => {
        if (done.has(key)) return false;
        done.add(key);
        await work();
        return true;
      };
      const inner = new FakeBrokerBus();
      const seen: unknown[] = [];
      deduplicateEvents(inner, once).onEvent((e) => void seen.push(e.data['id']));

      for (const e of [event(1), event(1), event(2), event(1)]) await inner.eventHandlers[0](e);

      expect(seen).toEqual([1, 2]);
    });
  });
});
