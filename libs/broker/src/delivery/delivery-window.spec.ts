import { DeliveryWindow } from './delivery-window';

describe(DeliveryWindow.name, () => {
  describe('when the same packet is offered again', () => {
    it('accepts it the first time only', () => {
      const window = new DeliveryWindow();
      expect(window.firstDelivery({ brokerId: 'b1', brokerCounter: 7 })).toBe(true);
      expect(window.firstDelivery({ brokerId: 'b1', brokerCounter: 7 })).toBe(false);
    });
  });

  describe('when packets arrive out of counter order', () => {
    it('accepts each of them (no "highest counter wins" rule)', () => {
      const window = new DeliveryWindow();
      expect(
        [9, 8, 10, 1].map((n) => window.firstDelivery({ brokerId: 'b', brokerCounter: n })),
      ).toEqual([true, true, true, true]);
    });
  });

  describe('when two brokers number packets independently', () => {
    it('tells equal counters of different brokers apart', () => {
      const window = new DeliveryWindow();
      expect(window.firstDelivery({ brokerId: 'b1', brokerCounter: 1 })).toBe(true);
      expect(window.firstDelivery({ brokerId: 'b2', brokerCounter: 1 })).toBe(true);
    });
  });

  describe('when a packet has no broker id (retained)', () => {
    it.each([[null], [undefined], ['']])('always accepts brokerId %p', (brokerId) => {
      const window = new DeliveryWindow();
      expect(window.firstDelivery({ brokerId, brokerCounter: 1 })).toBe(true);
      expect(window.firstDelivery({ brokerId, brokerCounter: 1 })).toBe(true);
    });
  });

  describe('when more packets passed than the window holds', () => {
    it('forgets the oldest keys and stays bounded', () => {
      const window = new DeliveryWindow();
      for (let n = 1; n <= 1_000; n++) window.firstDelivery({ brokerId: 'b', brokerCounter: n });
      expect(window.firstDelivery({ brokerId: 'b', brokerCounter: 1 })).toBe(true);
      expect(window.firstDelivery({ brokerId: 'b', brokerCounter: 1_000 })).toBe(false);
    });
  });
});
