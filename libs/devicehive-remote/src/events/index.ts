export { createRemoteEventStream } from './remote-event-stream';
export type * from './remote-event-stream.port';
