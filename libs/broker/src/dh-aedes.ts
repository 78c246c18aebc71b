import { REQUEST_TOPIC } from '@dh-mqtt/protocol';
import { Aedes, type AedesOptions, type Client, type PublishPacket } from 'aedes';

type PublishCallback = (error?: Error) => void;

/**
 * aedes with a routing gate: `publish` drops the packets the hooks consumed (`authorizePublish`
 * marks them) and anything on `dh/request`, before aedes stores, queues or routes them. That is how
 * a request or a forged reply is acknowledged to its publisher (PUBACK/PUBREC still sent) yet
 * reaches no subscriber, no offline queue and no retained store (docs/topics/request.md,
 * docs/security.md).
 */
export class DhAedes extends Aedes {
  constructor(
    options: AedesOptions,
    private readonly consumed: WeakSet<object>,
  ) {
    super(options);
  }

  override publish(
    packet: PublishPacket,
    clientOrDone?: Client | null | PublishCallback,
    done?: PublishCallback,
  ): void {
    const callback = typeof clientOrDone === 'function' ? clientOrDone : done;
    if (this.consumed.has(packet) || packet.topic === REQUEST_TOPIC) {
      callback?.();
      return;
    }
    (super.publish as (p: PublishPacket, c: unknown, d?: PublishCallback) => void)(
      packet,
      clientOrDone,
      done,
    );
  }
}
