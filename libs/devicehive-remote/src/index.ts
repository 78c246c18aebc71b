// The remote DeviceHive backend: see README.md.
export type * from './events/remote-event-stream.port';
export {
  createRemoteEventStream,
  LeasedEventStream,
  leasedStreamFactory,
  DEFAULT_TAKEOVER_WINDOW_MS,
  type LeasedEventStreamOptions,
  type StreamLease,
  type StreamLeaseFactory,
} from './events';
export {
  createRemoteDeviceHive,
  DEFAULT_REMOTE_TIMEOUT_MS,
  type RemoteDeviceHiveOptions,
} from './remote-devicehive';
export { REMOTE_ROUTES, type RemoteRoute } from './actions/remote-routes';
export {
  openRemoteBackend,
  type RemoteBackend,
  type RemoteBackendOptions,
  type RemoteEventStreamFactory,
} from './remote-backend';
