export {
  DEFAULTS,
  GATEWAY_THREADS,
  LOG_FORMATS,
  LOG_LEVELS,
  loadBrokerConfig,
  loadCoreConfig,
  loadGatewayConfig,
  loadStandaloneConfig,
  type BrokerConfig,
  type CoreConfig,
  type GatewayConfig,
  type GatewayThread,
  type LogFormat,
  type LogLevel,
  type ProcessConfig,
  type StandaloneConfig,
  type TlsConfig,
} from './config/config';
export {
  DEFAULT_KAFKA_FETCH_INTERVAL_MS,
  DEFAULT_KAFKA_PRODUCE_INTERVAL_MS,
  KAFKA_PARTITIONED_TOPICS,
  KAFKA_SASL_MECHANISMS,
  loadClusterConfig,
  type ClusterConfig,
  type KafkaPartitionedTopic,
  type KafkaSaslMechanism,
  type KafkaSecurity,
} from './config/cluster-config';
export { ConfigError, EnvReader, type Env } from './config/env-reader';
export {
  DEFAULT_REMOTE_TIMEOUT_MS,
  derivedEndpoints,
  readRemoteBackend,
  type RemoteBackendConfig,
} from './config/remote-config';
export { TtlCache } from './cache/ttl-cache';
export { HealthChecks, type CheckResult, type ReadinessCheck } from './health/health-checks';
export { createHttpServer, type HttpServerDeps } from './health/http-server';
export { registerCounterFrom } from './health/counter-metrics';
export { createMetricsRegistry } from './health/metrics';
export { closeServer, listen } from './lifecycle/close-server';
export {
  installGracefulShutdown,
  type GracefulShutdown,
  type GracefulShutdownOptions,
  type ShutdownStep,
} from './lifecycle/graceful-shutdown';
export { backoffDelay, pause, retry, type Backoff, type RetryOptions } from './lifecycle/retry';
export {
  runMain,
  startWithShutdown,
  type RunMainOptions,
  type StartableApp,
} from './lifecycle/run-main';
export {
  createLogger,
  REDACTED_KEYS,
  silentLogger,
  type Logger,
  type LoggerOptions,
} from './logging/logger';
export { PRODUCT_VERSION } from './version';
export {
  parsePrometheusText,
  sampleValue,
  sampledNames,
  type Sample,
} from './metrics/prometheus-text';
export { formatPretty, prettyStream } from './logging/pretty-stream';
export {
  METRICS,
  PENDING_METRICS,
  metricsInPromQL,
  sampleNamesOf,
  type MetricRole,
  type MetricSpec,
} from './metrics/metric-catalog';
