export { createRemoteEventStream } from './remote-event-stream';
export type * from './remote-event-stream.port';
export {
  DEFAULT_TAKEOVER_WINDOW_MS,
  LeasedEventStream,
  leasedStreamFactory,
  type LeasedEventStreamOptions,
  type StreamLease,
  type StreamLeaseFactory,
} from './stream-lease';
