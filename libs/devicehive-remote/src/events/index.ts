export { createRemoteEventStream } from './remote-event-stream';
export type * from './remote-event-stream.port';
export {
  DEFAULT_TAKEOVER_WINDOW_MS,
  LeasedEventStream,
  type LeasedEventStreamOptions,
} from './stream-lease';
