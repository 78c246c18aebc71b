import type { DeviceHivePort } from '@dh-mqtt/devicehive';
import type { DeviceEvent } from '@dh-mqtt/protocol';
import type { Registry } from 'prom-client';
import type {
  RemoteEndpoints,
  RemoteEventStream,
  RemoteEventStreamOptions,
  RemoteLogger,
  ServiceCredentials,
} from './events/remote-event-stream.port';
import { createRemoteDeviceHive } from './remote-devicehive';
import { createRemoteEventStream } from './events/remote-event-stream';

/** Builds the remote event stream (the events half of the backend, `./events/`). */
export type RemoteEventStreamFactory = (options: RemoteEventStreamOptions) => RemoteEventStream;

/** The one place the event stream is created (docs/adr/0015). */
const EVENT_STREAM_FACTORY: RemoteEventStreamFactory | undefined = createRemoteEventStream;

export interface RemoteBackendOptions {
  endpoints: RemoteEndpoints;
  /** The event stream's identity on the server (an administrator). Secret. */
  credentials: ServiceCredentials;
  /** Bound of each call, in ms. */
  timeoutMs: number;
  /** `DH_JWT_SECRET` when it is the server's (tokens checked here first). */
  jwtSecret?: string;
  logger: RemoteLogger;
  registry?: Registry;
  /** Where the server's device events go: the gateway bus's `publishEvent`. */
  publishEvent(event: DeviceEvent): Promise<void>;
  /** Replaces the stream factory (tests). */
  eventStreamFactory?: RemoteEventStreamFactory;
}

/** The remote backend of a process: the DeviceHive port and the server's event stream. */
export interface RemoteBackend {
  readonly deviceHive: DeviceHivePort;
  /** The server's event stream (docs/adr/0015); null only when a test factory gives none. */
  readonly events: RemoteEventStream | null;
  /**
   * Starts the event stream in the background, once the bus that `publishEvent` feeds serves:
   * a server down at that moment makes the process not ready, never failed.
   */
  start(): void;
  /** Readiness: the server answers `GET /info` and the event stream (when there is one) is up. */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The remote backend (docs/adr/0014): the port on the server's REST API and, when available,
 * the server's event stream feeding `publishEvent` (command updates get the MQTT client that
 * inserted the command through this process). `start()` starts the stream.
 */
export function openRemoteBackend(options: RemoteBackendOptions): RemoteBackend {
  const deviceHive = createRemoteDeviceHive({
    endpoints: options.endpoints,
    timeoutMs: options.timeoutMs,
    jwtSecret: options.jwtSecret,
    logger: options.logger,
    registry: options.registry,
  });
  options.logger.info(
    {
      host: new URL(options.endpoints.restUrl).host,
      timeoutMs: options.timeoutMs,
      // A DH_JWT_SECRET that is not the server's refuses every token: say which check runs.
      tokenCheck: options.jwtSecret === undefined ? 'server' : 'shared secret, then server',
    },
    'backend: remote DeviceHive',
  );
  const factory = options.eventStreamFactory ?? EVENT_STREAM_FACTORY;
  const events =
    factory?.({
      endpoints: options.endpoints,
      credentials: options.credentials,
      onEvent: (event) => options.publishEvent(event),
      logger: options.logger,
      registry: options.registry,
    }) ?? null;
  let started = false;
  return {
    deviceHive,
    events,
    start() {
      if (started) return;
      started = true;
      if (events) {
        events.start().catch((error: unknown) => {
          options.logger.error(
            { error: error instanceof Error ? error.message : String(error) },
            'remote DeviceHive event stream did not start',
          );
        });
      } else {
        options.logger.warn(
          { host: new URL(options.endpoints.restUrl).host },
          'remote DeviceHive event stream not available: device events of the server are not pushed',
        );
      }
    },
    async ready() {
      const answers = await deviceHive.ping();
      return answers && (events ? events.isConnected() : true);
    },
    async close() {
      await events?.close();
      await deviceHive.close();
    },
  };
}
