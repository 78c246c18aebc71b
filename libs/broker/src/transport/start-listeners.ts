import type { DhBroker } from '../broker';
import {
  createListeners,
  type ListenerDeps,
  type ListenerPorts,
  type ListenerSettings,
  type Listeners,
} from './listeners';

/** The MQTT listeners of a running app, bound. */
export interface BoundListeners extends Pick<Listeners, 'reloadCertificates' | 'stopAccepting'> {
  readonly ports: ListenerPorts;
}

export interface StartListenersDeps extends Omit<ListenerDeps, 'connections'> {
  /** What the listeners hand connections to; the broker itself by default (`connackFirst`). */
  serve?: Pick<DhBroker, 'handle'>;
}

/**
 * How every app starts its MQTT listeners (the standalone and the broker pod): builds the four
 * listeners of docs/security.md for `broker`, each accepted connection counted by the broker's
 * metrics, and binds them on `settings.host`. A listener that cannot bind (a port taken) closes
 * the ones already bound before the error is thrown, so a failed start leaves nothing listening;
 * after a successful one, `stopAccepting()` is the app's shutdown step.
 */
export async function startListeners(
  broker: DhBroker,
  settings: ListenerSettings & { host?: string },
  deps: StartListenersDeps,
): Promise<BoundListeners> {
  const { serve = broker, ...listenerDeps } = deps;
  const listeners = createListeners(serve, settings, {
    ...listenerDeps,
    connections: broker.metrics,
  });
  try {
    const ports = await listeners.listen(settings.host);
    return {
      ports,
      reloadCertificates: () => listeners.reloadCertificates(),
      stopAccepting: () => listeners.stopAccepting(),
    };
  } catch (err) {
    listeners.stopAccepting();
    throw err;
  }
}
