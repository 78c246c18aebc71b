/**
 * `server/info` (devicehive-api.md §4.1): no fields. The core fills `restServerUrl` and the time.
 */
export class ServerInfoRequest {}

/** `cluster/info` (§4.1): no fields. */
export class ClusterInfoRequest {}

/** `server/cacheInfo` (§4.10): no fields. */
export class ServerCacheInfoRequest {}
