export { createBroker, type BrokerDeps, type DhBroker } from './broker';
export { ClientSession } from './session/client-session';
export type { DeviceEventListener } from './pushes/device-event-feed';
export { mayReceiveEvent } from './delivery/event-access';
export type { BrokerSettings } from './broker-context';
export { ConnackCode, isAcceptableClientId } from './hooks/authenticate';
export { replyTopic } from './delivery/publish-reply';
export { MAX_REQUEST_DEPTH, parseRequest, type ParsedRequest } from './requests/parse-request';
export { PacketSizeGuard, guardPacketSize } from './transport/packet-size-guard';
export { createTcpServer, type TcpServerOptions } from './transport/tcp-server';
export { createWsServer, type WsServerOptions } from './transport/ws-server';
export { createWssServer, type WssServerOptions } from './transport/wss-server';
export { createTlsServer, readTlsFiles, type TlsServerOptions } from './transport/tls-server';
export {
  createListeners,
  type ListenerDeps,
  type ListenerPorts,
  type ListenerSettings,
  type Listeners,
} from './transport/listeners';
export {
  startListeners,
  type BoundListeners,
  type StartListenersDeps,
} from './transport/start-listeners';
export { connackFirst } from './cluster/connack-first';
export { deduplicateEvents } from './cluster/event-dedup';
export { drainRequests } from './requests/request-drain';
export { onceAcrossPods, type OnceOptions } from './cluster/once-across-pods';
export {
  createFabricPublisher,
  type FabricPublisher,
  type FabricPublisherOptions,
} from './cluster/fabric-publisher';
export {
  createRedisMqttState,
  type FabricCounters,
  type RedisMqttState,
  type RedisMqttStateOptions,
} from './cluster/redis-mqtt-state';
export { RedisSessionClock, SESSIONS_AWAY_KEY } from './cluster/redis-session-clock';
export { MemorySessionClock, type SessionClock } from './limits/session-expiry';
export {
  ReadHold,
  loggedHolds,
  type ConnectionReads,
  type ReadHoldCounts,
  type ReadHoldPolicy,
} from './limits/read-hold';
export {
  BrokerMetrics,
  CONNECT_RESULTS,
  DROP_REASONS,
  LISTENERS,
  OTHER_ACTION,
  PUSH_KINDS,
  type ConnectResult,
  type DropReason,
  type ListenerName,
  type PushKind,
} from './metrics/broker-metrics';
export { RedisMetrics, type ObservedConnection } from './metrics/redis-metrics';
