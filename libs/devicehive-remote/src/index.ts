// The remote DeviceHive backend: see README.md.
export type * from './events/remote-event-stream.port';
export {
  createRemoteEventStream,
  LeasedEventStream,
  DEFAULT_TAKEOVER_WINDOW_MS,
  type LeasedEventStreamOptions,
} from './events';
