/**
 * `server/info` (docs/api/session.md): no fields. The core fills `restServerUrl` and the time.
 */
export class ServerInfoRequest {}

/** `cluster/info` (docs/api/session.md): no fields. */
export class ClusterInfoRequest {}

/** `server/cacheInfo` (docs/api/session.md): no fields. */
export class ServerCacheInfoRequest {}
