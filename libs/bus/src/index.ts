export {
  BUS_SCHEMA_VERSION,
  type BrokerBus,
  type EventHandler,
  type GatewayBus,
  type PublishEventOptions,
  type ReplyEnvelope,
  type RequestEnvelope,
  type RequestHandler,
  type RequestSignals,
  type SessionEffect,
} from './bus.port';
export {
  createInProcessBus,
  type InProcessBus,
  type InProcessBusOptions,
} from './in-process/in-process-bus';
export {
  createWorkerBrokerBus,
  createWorkerGatewayBus,
  type BusPort,
  type WorkerBrokerBus,
  type WorkerBrokerBusOptions,
  type WorkerBusCounters,
  type WorkerGatewayBus,
} from './worker/worker-bus';
export { KeyedSerialQueue, type QueueOptions } from './internal/keyed-serial-queue';
export { wireCopy } from './internal/wire-copy';
export {
  KAFKA_GROUPS,
  KAFKA_HEADERS,
  KAFKA_LEASES,
  KAFKA_SCHEMA_HEADER_VALUE,
  KAFKA_TOPICS,
  namespaced,
  type KafkaTopicRole,
  type KafkaTopicSpec,
  type ReplyFailure,
} from './kafka-topics';
export { requestPartitionFor } from './kafka/reply-partition';
export {
  createKafkaBrokerBus,
  type KafkaBrokerBus,
  type KafkaBrokerBusOptions,
} from './kafka/kafka-broker-bus';
export {
  createKafkaGatewayBus,
  type KafkaGatewayBus,
  type KafkaGatewayBusOptions,
} from './kafka/kafka-gateway-bus';
export {
  type KafkaBusCounters,
  type KafkaBusOptions,
  type RedisRepliesOptions,
  type ReplyCounters,
  type ReplyFallbackReason,
} from './kafka/kafka-bus-options';
export {
  GatewayKafkaMetrics,
  KafkaMetrics,
  registerBusMetrics,
  type InstrumentedClient,
  type ObservableBus,
} from './metrics/bus-metrics';
export { registerKafkaBusMetrics, registerReplyMetrics } from './kafka/kafka-bus-metrics';
export { createKafkaLease, type KafkaLease, type KafkaLeaseOptions } from './kafka/kafka-lease';
