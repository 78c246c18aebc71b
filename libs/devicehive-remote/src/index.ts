// The remote DeviceHive backend: see README.md.
export type * from './events/remote-event-stream.port';
export { createRemoteEventStream } from './events';
