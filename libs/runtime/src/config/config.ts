import { isIP } from 'node:net';
import { ConfigError, EnvReader, type Env } from './env-reader';
import { readRemoteBackend, type RemoteBackendConfig } from './remote-config';

/** pino levels accepted by `DH_LOG_LEVEL`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `DH_LOG_FORMAT`: JSON lines for collectors, or readable lines for people. */
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * Documented defaults (docs/design.md). `DH_WS_PORT` 8083 with path `/mqtt` is the usual MQTT over
 * WebSocket convention and stays clear of 8883 (MQTT over TLS); `DH_HTTP_PORT` 9090 serves
 * `/healthz`, `/readyz` and `/metrics`.
 */
export const DEFAULTS = Object.freeze({
  host: '0.0.0.0',
  mqttPort: 1883,
  wsPort: 8083,
  wsPath: '/mqtt',
  httpPort: 9090,
  /** DeviceHive's REST and WebSocket APIs (docs/api/rest.md), the reference server's port. */
  apiPort: 8080,
  logLevel: 'info' as LogLevel,
  dataDir: './data',
  /** docs/reliability.md: default ≤ 1 MiB. */
  maxPacketSize: 1_048_576,
  /** A `dh/request` payload above this gets a 413 error reply. */
  maxRequestSize: 262_144,
  /** Above 23 (MQTT 3.1.1 minimum), short enough to keep reply topics small. */
  maxClientIdLength: 128,
  /**
   * Requests of one client waiting behind the one in flight; more get a 429 error reply. One second
   * of the default `DH_REQUEST_RATE`: a client inside its rate is not refused because the server
   * stalled for less than a second (100 refused 610 requests of an 8,000/s load the embedded
   * process carries, during one ~150 ms stall; docs/performance.md §3).
   */
  maxPendingRequests: 1_000,
  requestTimeoutMs: 10_000,
  /** The embedded process's gateway, core and PGlite in a worker thread (docs/adr/0016). */
  gatewayThread: 'worker' as 'worker' | 'main',
  connectTimeoutMs: 10_000,
  shutdownTimeoutMs: 10_000,
  /** MQTT over TLS (IANA), used when a certificate is configured. */
  tlsPort: 8883,
  /** MQTT over secure WebSocket (the common port), used when a certificate is configured. */
  wssPort: 8084,
  /** `$SYS/#` readable by admins only (docs/topics/ordinary-and-sys.md). */
  sysTopicsAdminOnly: true,
  /** Seconds between two `$SYS/{brokerId}/broker/...` counter publishes (Mosquitto's default). */
  sysIntervalSeconds: 10,
  /** The bootstrap data lets anonymous sessions use ordinary topics (docs/security.md). */
  allowAnonymous: true,
  /** aedes' own ceiling (its topic matchers hold 100 words); DeviceHive topics use at most 7. */
  maxTopicLevels: 100,
  /** MQTT filters plus request-made subscriptions of one connection. */
  maxSubscriptionsPerClient: 1_000,
  /** Unacknowledged QoS 1 messages written to one connection; more wait in its queue. */
  maxInflight: 1_000,
  /** QoS 1 messages queued per session (offline, or behind the in-flight window). */
  maxOfflineQueue: 10_000,
  /** A persistent session not back within 7 days is removed; 0 = never. */
  sessionExpirySeconds: 604_800,
  /** `dh/request` + native publishes per client per second (token bucket); 0 = unlimited. */
  requestRate: 1_000,
  requestBurst: 2_000,
  /** New connections per source address per second (token bucket); 0 = unlimited. */
  connectRatePerIp: 200,
  connectBurstPerIp: 1_000,
  /** Loopback is exempt: a local proxy or benchmark shares one address (docs/reliability.md). */
  connectRateExempt: Object.freeze(['127.0.0.1', '::1', '::ffff:127.0.0.1']) as readonly string[],
});

/**
 * MQTT over TLS and over secure WebSocket (docs/security.md): PEM file paths, read when the
 * listeners start and again on every certificate reload.
 */
export interface TlsConfig {
  /** `DH_TLS_PORT`. */
  port: number;
  /** `DH_WSS_PORT`: MQTT over secure WebSocket, on the `DH_WS_PATH` path. */
  wssPort: number;
  /** `DH_TLS_CERT`: certificate chain (PEM). */
  certPath: string;
  /** `DH_TLS_KEY`: private key (PEM). */
  keyPath: string;
  /** `DH_TLS_CA`: optional CA bundle (PEM), e.g. for an intermediate chain. */
  caPath: string | undefined;
}

/** What every process reads: bind address, health/metrics port, logging, shutdown. */
export interface ProcessConfig {
  /** `DH_HOST`: interface the listeners bind to. */
  host: string;
  /** `DH_HTTP_PORT`: `/healthz`, `/readyz`, `/metrics`. */
  httpPort: number;
  /** `DH_LOG_LEVEL`. */
  logLevel: LogLevel;
  /** `DH_LOG_FORMAT`; unset = pretty on a terminal, JSON otherwise. */
  logFormat: LogFormat | undefined;
  /** `DH_SHUTDOWN_TIMEOUT_MS`: after this a graceful shutdown gives up and exits. */
  shutdownTimeoutMs: number;
}

/** The MQTT side (broker pods and the standalone process). */
export interface BrokerConfig extends ProcessConfig {
  /** `DH_MQTT_PORT`: MQTT over TCP. */
  mqttPort: number;
  /** `DH_WS_PORT`: MQTT over WebSocket. */
  wsPort: number;
  /** `DH_WS_PATH`: the WebSocket upgrade path. */
  wsPath: string;
  /**
   * `DH_MAX_PACKET_SIZE`: bytes; a larger MQTT packet closes the connection (docs/reliability.md).
   */
  maxPacketSize: number;
  /** `DH_MAX_REQUEST_SIZE`: bytes of a `dh/request` payload; larger gets a 413 error reply. */
  maxRequestSize: number;
  /** `DH_MAX_CLIENT_ID_LENGTH`: longer client ids get CONNACK 2. */
  maxClientIdLength: number;
  /** `DH_MAX_PENDING_REQUESTS`: per client, queued behind the one in flight. */
  maxPendingRequests: number;
  /** `DH_REQUEST_TIMEOUT_MS`: a request without a reply by then gets a 503 error reply. */
  requestTimeoutMs: number;
  /** `DH_CONNECT_TIMEOUT_MS`: CONNECT must arrive (and a login finish) within this. */
  connectTimeoutMs: number;
  /** `DH_REDIS_URL`: shared MQTT state; unset = in memory. */
  redisUrl: string | undefined;
  /** `DH_KAFKA_BROKERS`: unset = in-process bus (standalone only). */
  kafkaBrokers: string[] | undefined;
  /**
   * `DH_API_PORT`: DeviceHive's REST and WebSocket APIs (docs/adr/0012); null = `off`, not served.
   */
  apiPort: number | null;
  /**
   * `DH_TLS_CERT` + `DH_TLS_KEY` (+ `DH_TLS_PORT`, `DH_WSS_PORT`, `DH_TLS_CA`); unset = no TLS
   * and no secure WebSocket listener.
   */
  tls: TlsConfig | undefined;
  /** `DH_SYS_TOPICS_ADMIN_ONLY` (`true`/`false`): `false` lets every session read `$SYS/#`. */
  sysTopicsAdminOnly: boolean;
  /** `DH_SYS_INTERVAL` (0–3600 s): period of the `$SYS` counters; 0 publishes none. */
  sysIntervalSeconds: number;
  /**
   * `DH_ALLOW_ANONYMOUS` (`true`/`false`): `false` refuses a CONNECT without credentials (CONNACK
   * 5).
   */
  allowAnonymous: boolean;
  /** `DH_MAX_TOPIC_LEVELS` (8–100): deeper topics and filters close the connection. */
  maxTopicLevels: number;
  /** `DH_MAX_SUBSCRIPTIONS_PER_CLIENT`: SUBACK 0x80 / 429 reply past it. */
  maxSubscriptionsPerClient: number;
  /** `DH_MAX_INFLIGHT`: unacknowledged QoS 1 messages per connection; more wait queued. */
  maxInflight: number;
  /** `DH_MAX_OFFLINE_QUEUE`: QoS 1 messages queued per session; newer ones are refused. */
  maxOfflineQueue: number;
  /** `DH_SESSION_EXPIRY_SECONDS`: persistent sessions away longer are removed; 0 = never. */
  sessionExpirySeconds: number;
  /** `DH_REQUEST_RATE` per client per second (0 = unlimited); excess gets a 429 reply. */
  requestRate: number;
  /** `DH_REQUEST_BURST`: requests a client may send at once before `requestRate` applies. */
  requestBurst: number;
  /** `DH_CONNECT_RATE_PER_IP` per second (0 = unlimited); excess sockets are closed. */
  connectRatePerIp: number;
  /** `DH_CONNECT_BURST_PER_IP`: connections an address may open at once. */
  connectBurstPerIp: number;
  /** `DH_CONNECT_RATE_EXEMPT`: comma-separated addresses never limited; `none` for none. */
  connectRateExempt: readonly string[];
}

/** The DeviceHive core (gateway pods and the standalone process). */
export interface CoreConfig {
  /** `DH_DATA_DIR`: PGlite data when no database URL is given. */
  dataDir: string;
  /** `DH_DATABASE_URL`: PostgreSQL; when set, PGlite is not used. Secret (may hold a password). */
  databaseUrl: string | undefined;
  /** `DH_ADMIN_PASSWORD`: bootstrap admin password on a fresh database. Secret. */
  adminPassword: string | undefined;
  /** `DH_JWT_SECRET`: unset = generated once and stored in the database. Secret. */
  jwtSecret: string | undefined;
  /**
   * `DH_ALLOW_DEFAULT_ADMIN_PASSWORD`: a cluster database whose bootstrap admin still has the
   * published default password refuses to start unless this is true (docs/security.md).
   */
  allowDefaultAdminPassword: boolean;
  /**
   * `DH_DEVICEHIVE_URL` and its companions: an existing DeviceHive server runs every action and
   * no local database is opened (docs/adr/0014); undefined = the embedded core.
   */
  remote?: RemoteBackendConfig;
}

/** `DH_GATEWAY_THREAD`: where the embedded process runs the gateway, the core and PGlite. */
export const GATEWAY_THREADS = ['worker', 'main'] as const;
export type GatewayThread = (typeof GATEWAY_THREADS)[number];

export type StandaloneConfig = BrokerConfig &
  CoreConfig & {
    /**
     * `DH_GATEWAY_THREAD`: `worker` (default) runs the gateway, the core and PGlite in a worker
     * thread behind the worker bus, so the broker and the core use a core each (docs/adr/0016);
     * `main` keeps everything on the main thread with the in-process bus.
     */
    gatewayThread: GatewayThread;
  };

export interface GatewayConfig extends ProcessConfig, CoreConfig {
  /** `DH_KAFKA_BROKERS`. */
  kafkaBrokers: string[] | undefined;
  /**
   * `DH_REDIS_URL`: replies go to the owning broker pod through Redis, Kafka staying the
   * fallback (docs/adr/0013), and the gateway publishes the pushes of its device events into the
   * MQTT fabric itself (docs/adr/0021); unset = every reply over Kafka, every push by the broker pods.
   */
  redisUrl: string | undefined;
  /**
   * `DH_MAX_OFFLINE_QUEUE`: with `DH_REDIS_URL` the gateway stores the offline copies of its pushes
   * and applies the broker pods' cap (give both the same value).
   */
  maxOfflineQueue: number;
}

/** `DH_MAX_OFFLINE_QUEUE`, read the same way by broker pods and gateways (docs/adr/0021). */
function readMaxOfflineQueue(env: EnvReader): number {
  return env.integer('DH_MAX_OFFLINE_QUEUE', DEFAULTS.maxOfflineQueue, 1, 10_000_000);
}

function readProcess(env: EnvReader): ProcessConfig {
  return {
    host: env.string('DH_HOST', DEFAULTS.host),
    httpPort: env.port('DH_HTTP_PORT', DEFAULTS.httpPort),
    logLevel: env.oneOf('DH_LOG_LEVEL', LOG_LEVELS, DEFAULTS.logLevel),
    logFormat:
      env.raw('DH_LOG_FORMAT') === undefined
        ? undefined
        : env.oneOf('DH_LOG_FORMAT', LOG_FORMATS, 'json'),
    shutdownTimeoutMs: env.integer(
      'DH_SHUTDOWN_TIMEOUT_MS',
      DEFAULTS.shutdownTimeoutMs,
      100,
      600_000,
    ),
  };
}

function readBroker(env: EnvReader): BrokerConfig {
  const maxPacketSize = env.integer(
    'DH_MAX_PACKET_SIZE',
    DEFAULTS.maxPacketSize,
    1024,
    268_435_455,
  );
  const maxRequestSize = env.integer(
    'DH_MAX_REQUEST_SIZE',
    Math.min(DEFAULTS.maxRequestSize, maxPacketSize),
    64,
    268_435_455,
  );
  if (maxRequestSize > maxPacketSize) {
    throw new ConfigError('DH_MAX_REQUEST_SIZE', 'must not exceed DH_MAX_PACKET_SIZE');
  }
  return {
    ...readProcess(env),
    mqttPort: env.port('DH_MQTT_PORT', DEFAULTS.mqttPort),
    wsPort: env.port('DH_WS_PORT', DEFAULTS.wsPort),
    wsPath: env.path('DH_WS_PATH', DEFAULTS.wsPath),
    apiPort: env.raw('DH_API_PORT') === 'off' ? null : env.port('DH_API_PORT', DEFAULTS.apiPort),
    maxPacketSize,
    maxRequestSize,
    maxClientIdLength: env.integer(
      'DH_MAX_CLIENT_ID_LENGTH',
      DEFAULTS.maxClientIdLength,
      23,
      65_535,
    ),
    maxPendingRequests: env.integer(
      'DH_MAX_PENDING_REQUESTS',
      DEFAULTS.maxPendingRequests,
      0,
      100_000,
    ),
    requestTimeoutMs: env.integer('DH_REQUEST_TIMEOUT_MS', DEFAULTS.requestTimeoutMs, 10, 600_000),
    connectTimeoutMs: env.integer('DH_CONNECT_TIMEOUT_MS', DEFAULTS.connectTimeoutMs, 100, 600_000),
    redisUrl: env.optionalUrl('DH_REDIS_URL', ['redis', 'rediss']),
    kafkaBrokers: env.optionalHostPortList('DH_KAFKA_BROKERS'),
    tls: readTls(env),
    sysTopicsAdminOnly:
      env.oneOf(
        'DH_SYS_TOPICS_ADMIN_ONLY',
        ['true', 'false'],
        String(DEFAULTS.sysTopicsAdminOnly),
      ) === 'true',
    sysIntervalSeconds: env.integer('DH_SYS_INTERVAL', DEFAULTS.sysIntervalSeconds, 0, 3600),
    allowAnonymous: env.boolean('DH_ALLOW_ANONYMOUS', DEFAULTS.allowAnonymous),
    ...readLimits(env),
  };
}

/** The limits of docs/reliability.md (docs/reliability.md lists what happens past each). */
function readLimits(env: EnvReader) {
  return {
    maxTopicLevels: env.integer('DH_MAX_TOPIC_LEVELS', DEFAULTS.maxTopicLevels, 8, 100),
    maxSubscriptionsPerClient: env.integer(
      'DH_MAX_SUBSCRIPTIONS_PER_CLIENT',
      DEFAULTS.maxSubscriptionsPerClient,
      1,
      1_000_000,
    ),
    maxInflight: env.integer('DH_MAX_INFLIGHT', DEFAULTS.maxInflight, 1, 65_535),
    maxOfflineQueue: readMaxOfflineQueue(env),
    sessionExpirySeconds: env.integer(
      'DH_SESSION_EXPIRY_SECONDS',
      DEFAULTS.sessionExpirySeconds,
      0,
      315_360_000,
    ),
    requestRate: env.integer('DH_REQUEST_RATE', DEFAULTS.requestRate, 0, 10_000_000),
    requestBurst: env.integer('DH_REQUEST_BURST', DEFAULTS.requestBurst, 1, 10_000_000),
    connectRatePerIp: env.integer(
      'DH_CONNECT_RATE_PER_IP',
      DEFAULTS.connectRatePerIp,
      0,
      1_000_000,
    ),
    connectBurstPerIp: env.integer(
      'DH_CONNECT_BURST_PER_IP',
      DEFAULTS.connectBurstPerIp,
      1,
      10_000_000,
    ),
    connectRateExempt: readAddressList(env, 'DH_CONNECT_RATE_EXEMPT', DEFAULTS.connectRateExempt),
  };
}

/** Comma-separated IP addresses; `none` = an empty list. */
function readAddressList(
  env: EnvReader,
  name: string,
  fallback: readonly string[],
): readonly string[] {
  const text = env.optionalString(name);
  if (text === undefined) return fallback;
  if (text === 'none') return [];
  const items = text.split(',').map((item) => item.trim());
  if (items.some((item) => isIP(item) === 0)) {
    throw new ConfigError(name, 'must be a comma-separated list of IP addresses, or none');
  }
  return items;
}

/** Both paths or neither: a certificate without its key (or the reverse) is a mistake. */
function readTls(env: EnvReader): TlsConfig | undefined {
  const certPath = env.optionalString('DH_TLS_CERT');
  const keyPath = env.optionalString('DH_TLS_KEY');
  if (certPath === undefined && keyPath === undefined) return undefined;
  if (certPath === undefined) throw new ConfigError('DH_TLS_CERT', 'must be set with DH_TLS_KEY');
  if (keyPath === undefined) throw new ConfigError('DH_TLS_KEY', 'must be set with DH_TLS_CERT');
  const port = env.port('DH_TLS_PORT', DEFAULTS.tlsPort);
  const wssPort = env.port('DH_WSS_PORT', DEFAULTS.wssPort);
  if (wssPort !== 0 && wssPort === port) {
    throw new ConfigError('DH_WSS_PORT', 'must differ from DH_TLS_PORT');
  }
  return {
    port,
    wssPort,
    certPath,
    keyPath,
    caPath: env.optionalString('DH_TLS_CA'),
  };
}

function readCore(env: EnvReader, remoteTimeoutMs?: number): CoreConfig {
  return {
    remote: readRemoteBackend(env, remoteTimeoutMs),
    dataDir: env.string('DH_DATA_DIR', DEFAULTS.dataDir),
    databaseUrl: env.optionalUrl('DH_DATABASE_URL', ['postgres', 'postgresql']),
    adminPassword: env.optionalSecret('DH_ADMIN_PASSWORD'),
    jwtSecret: env.optionalSecret('DH_JWT_SECRET'),
    allowDefaultAdminPassword: env.boolean('DH_ALLOW_DEFAULT_ADMIN_PASSWORD', false),
  };
}

/** The core's settings alone (the operator command line). Throws {@link ConfigError}. */
export function loadCoreConfig(env: Env = process.env): CoreConfig {
  return readCore(new EnvReader(env));
}

/** Config of a broker pod (`apps/broker`). Throws {@link ConfigError} naming a bad variable. */
export function loadBrokerConfig(env: Env = process.env): BrokerConfig {
  return readBroker(new EnvReader(env));
}

/** Config of a gateway pod (`apps/gateway`). Throws {@link ConfigError} naming a bad variable. */
export function loadGatewayConfig(env: Env = process.env): GatewayConfig {
  const reader = new EnvReader(env);
  return {
    ...readProcess(reader),
    ...readCore(reader),
    kafkaBrokers: reader.optionalHostPortList('DH_KAFKA_BROKERS'),
    redisUrl: reader.optionalUrl('DH_REDIS_URL', ['redis', 'rediss']),
    maxOfflineQueue: readMaxOfflineQueue(reader),
  };
}

/** Config of the embedded process (`apps/standalone`). Throws {@link ConfigError}. */
export function loadStandaloneConfig(env: Env = process.env): StandaloneConfig {
  const reader = new EnvReader(env);
  const broker = readBroker(reader);
  // A remote call must end before the broker's own request timeout answers for it.
  const remoteTimeoutMs = Math.max(100, Math.min(8_000, broker.requestTimeoutMs - 2_000));
  return {
    ...broker,
    ...readCore(reader, remoteTimeoutMs),
    gatewayThread: reader.oneOf('DH_GATEWAY_THREAD', GATEWAY_THREADS, DEFAULTS.gatewayThread),
  };
}
