import type { DeviceEvent } from '@dh-mqtt/protocol';
import type { ActionFace } from './action-face.port';

/** Gets every device event while added. */
export type EventConsumer = (event: DeviceEvent) => void;

/**
 * One fabric listener for all WebSocket sessions and long polls of this process, registered only
 * while one of them needs events (docs/adr/0012; in the cluster that holds the pod's push
 * interest, docs/adr/0009-event-listener-only-where-needed.md).
 */
export class EventHub {
  private readonly consumers = new Set<EventConsumer>();
  private registration: Promise<() => Promise<void>> | undefined;

  constructor(private readonly face: Pick<ActionFace, 'onDeviceEvent'>) {}

  /** Adds a consumer; resolves once events flow, with the function that removes it. */
  async add(consumer: EventConsumer): Promise<() => void> {
    this.consumers.add(consumer);
    this.registration ??= this.face.onDeviceEvent((event) => {
      for (const each of [...this.consumers]) each(event);
    });
    await this.registration;
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      this.consumers.delete(consumer);
      if (this.consumers.size > 0 || this.registration === undefined) return;
      const registered = this.registration;
      this.registration = undefined;
      void registered.then((unlisten) => unlisten()).catch(() => undefined);
    };
  }
}
