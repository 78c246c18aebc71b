import { ConfigError } from './env-reader';
import { DEFAULTS, loadBrokerConfig, loadGatewayConfig, loadStandaloneConfig } from './config';

describe(loadStandaloneConfig.name, () => {
  describe('when nothing is set', () => {
    it('uses the documented defaults and leaves the optional services unset', () => {
      const config = loadStandaloneConfig({});
      expect(config).toMatchObject({
        mqttPort: 1883, // the documented default (README.md)
        wsPort: DEFAULTS.wsPort,
        wsPath: '/mqtt',
        httpPort: DEFAULTS.httpPort,
        apiPort: 8080, // the REST and WebSocket APIs, the reference server's port
        dataDir: './data',
        maxPacketSize: 1_048_576,
        logLevel: 'info',
        gatewayThread: 'worker', // docs/adr/0016
      });
      expect(config.databaseUrl).toBeUndefined();
      expect(config.redisUrl).toBeUndefined();
      expect(config.kafkaBrokers).toBeUndefined();
      expect(config.jwtSecret).toBeUndefined();
      expect(config.adminPassword).toBeUndefined();
    });
  });

  describe('when DH_GATEWAY_THREAD is set', () => {
    it('accepts main and rejects anything but worker or main', () => {
      expect(loadStandaloneConfig({ DH_GATEWAY_THREAD: 'main' }).gatewayThread).toBe('main');
      expect(() => loadStandaloneConfig({ DH_GATEWAY_THREAD: 'process' })).toThrow(ConfigError);
    });
  });

  describe('when variables are set', () => {
    it('parses them into typed values', () => {
      const config = loadStandaloneConfig({
        DH_MQTT_PORT: '0',
        DH_WS_PORT: '9001',
        DH_WS_PATH: '/ws',
        DH_KAFKA_BROKERS: 'k1:19092, k2:19093',
        DH_DATABASE_URL: 'postgres://u:p@db:15432/dh',
        DH_REQUEST_TIMEOUT_MS: '250',
        DH_LOG_LEVEL: 'debug',
        DH_JWT_SECRET: 's3cret',
      });
      expect(config).toMatchObject({
        mqttPort: 0,
        wsPort: 9001,
        wsPath: '/ws',
        kafkaBrokers: ['k1:19092', 'k2:19093'],
        databaseUrl: 'postgres://u:p@db:15432/dh',
        requestTimeoutMs: 250,
        logLevel: 'debug',
        jwtSecret: 's3cret',
      });
    });

    it.each([
      ['9080', 9080],
      ['0', 0],
      ['off', null],
    ])('reads DH_API_PORT=%s as %p (off = the APIs are not served)', (text, apiPort) => {
      expect(loadStandaloneConfig({ DH_API_PORT: text }).apiPort).toBe(apiPort);
    });

    it('treats a blank variable as unset', () => {
      const blank = loadStandaloneConfig({ DH_MQTT_PORT: '  ' });
      expect(blank.mqttPort).toBe(1883); // the documented default
    });
  });

  describe('when a variable is invalid', () => {
    it.each([
      ['DH_MQTT_PORT', 'abc'],
      ['DH_MQTT_PORT', '70000'],
      ['DH_HTTP_PORT', '-1'],
      ['DH_API_PORT', 'on'],
      ['DH_API_PORT', '65536'],
      ['DH_WS_PATH', 'mqtt'],
      ['DH_LOG_LEVEL', 'verbose'],
      ['DH_KAFKA_BROKERS', 'localhost'],
      ['DH_DATABASE_URL', 'mysql://x'],
      ['DH_REDIS_URL', 'not a url'],
      ['DH_MAX_PACKET_SIZE', '10'],
      ['DH_REQUEST_TIMEOUT_MS', '1.5'],
    ])('names %s in the error', (variable, value) => {
      expect(() => loadStandaloneConfig({ [variable]: value })).toThrow(
        expect.objectContaining({ name: 'ConfigError', variable }),
      );
    });

    it('does not echo the value, which may be a secret', () => {
      const url = 'mysql://admin:hunter2@db/x';
      try {
        loadStandaloneConfig({ DH_DATABASE_URL: url });
        throw new Error('expected a ConfigError');
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as Error).message).not.toContain('hunter2');
      }
    });

    it('refuses a request size limit above the packet size limit', () => {
      expect(() =>
        loadBrokerConfig({ DH_MAX_PACKET_SIZE: '2048', DH_MAX_REQUEST_SIZE: '4096' }),
      ).toThrow(expect.objectContaining({ variable: 'DH_MAX_REQUEST_SIZE' }));
    });
  });
});

describe(loadGatewayConfig.name, () => {
  it('reads the core and Kafka settings but no MQTT ones', () => {
    const config = loadGatewayConfig({ DH_KAFKA_BROKERS: 'k:19092', DH_DATA_DIR: '/tmp/dh' });
    expect(config.kafkaBrokers).toEqual(['k:19092']);
    expect(config.dataDir).toBe('/tmp/dh');
    expect(config).not.toHaveProperty('mqttPort');
  });
});

describe(`${loadBrokerConfig.name} TLS and $SYS`, () => {
  it('has no TLS listener and admin-only $SYS by default', () => {
    expect(loadBrokerConfig({})).toMatchObject({ tls: undefined, sysTopicsAdminOnly: true });
  });

  it('reads the TLS paths with ports 8883 (TLS) and 8084 (secure WebSocket) by default', () => {
    expect(loadBrokerConfig({ DH_TLS_CERT: '/c.pem', DH_TLS_KEY: '/k.pem' }).tls).toEqual({
      port: 8883,
      wssPort: 8084,
      certPath: '/c.pem',
      keyPath: '/k.pem',
      caPath: undefined,
    });
  });

  it('reads DH_WSS_PORT with the certificate', () => {
    expect(
      loadBrokerConfig({ DH_TLS_CERT: '/c.pem', DH_TLS_KEY: '/k.pem', DH_WSS_PORT: '9443' }).tls,
    ).toMatchObject({ port: 8883, wssPort: 9443 });
  });

  it('lets DH_TLS_PORT and DH_WSS_PORT both be 0 (free ports)', () => {
    expect(
      loadBrokerConfig({
        DH_TLS_CERT: '/c.pem',
        DH_TLS_KEY: '/k.pem',
        DH_TLS_PORT: '0',
        DH_WSS_PORT: '0',
      }).tls,
    ).toMatchObject({ port: 0, wssPort: 0 });
  });

  it.each([
    [{ DH_TLS_CERT: '/c.pem' }, 'DH_TLS_KEY'],
    [{ DH_TLS_KEY: '/k.pem' }, 'DH_TLS_CERT'],
    [{ DH_TLS_CERT: '/c.pem', DH_TLS_KEY: '/k.pem', DH_WSS_PORT: '70000' }, 'DH_WSS_PORT'],
    [{ DH_TLS_CERT: '/c.pem', DH_TLS_KEY: '/k.pem', DH_WSS_PORT: 'wss' }, 'DH_WSS_PORT'],
    [{ DH_TLS_CERT: '/c.pem', DH_TLS_KEY: '/k.pem', DH_WSS_PORT: '8883' }, 'DH_WSS_PORT'],
    [{ DH_SYS_TOPICS_ADMIN_ONLY: 'yes' }, 'DH_SYS_TOPICS_ADMIN_ONLY'],
  ])('refuses %j naming %s', (env, variable) => {
    expect(() => loadBrokerConfig(env)).toThrow(expect.objectContaining({ variable }));
  });

  it('refuses the default admin password on a cluster database unless allowed', () => {
    expect(loadGatewayConfig({}).allowDefaultAdminPassword).toBe(false);
    expect(
      loadStandaloneConfig({ DH_ALLOW_DEFAULT_ADMIN_PASSWORD: 'true' }).allowDefaultAdminPassword,
    ).toBe(true);
    expect(() => loadGatewayConfig({ DH_ALLOW_DEFAULT_ADMIN_PASSWORD: '1' })).toThrow(
      expect.objectContaining({ variable: 'DH_ALLOW_DEFAULT_ADMIN_PASSWORD' }),
    );
  });

  it('allows anonymous sessions unless DH_ALLOW_ANONYMOUS=false', () => {
    expect(loadBrokerConfig({}).allowAnonymous).toBe(true);
    expect(loadBrokerConfig({ DH_ALLOW_ANONYMOUS: 'false' }).allowAnonymous).toBe(false);
    expect(() => loadBrokerConfig({ DH_ALLOW_ANONYMOUS: 'no' })).toThrow(
      expect.objectContaining({ variable: 'DH_ALLOW_ANONYMOUS' }),
    );
  });

  it('lets DH_SYS_TOPICS_ADMIN_ONLY=false open $SYS', () => {
    expect(loadBrokerConfig({ DH_SYS_TOPICS_ADMIN_ONLY: 'false' }).sysTopicsAdminOnly).toBe(false);
  });
});

describe(`${loadBrokerConfig.name} limits (docs/reliability.md)`, () => {
  it('uses the documented defaults, loopback exempt from the connect rate', () => {
    expect(loadBrokerConfig({})).toMatchObject({
      maxTopicLevels: 100,
      maxSubscriptionsPerClient: 1_000,
      maxInflight: 1_000,
      maxOfflineQueue: 10_000,
      sessionExpirySeconds: 604_800,
      requestRate: 1_000,
      requestBurst: 2_000,
      connectRatePerIp: 200,
      connectBurstPerIp: 1_000,
      connectRateExempt: ['127.0.0.1', '::1', '::ffff:127.0.0.1'],
    });
  });

  it.each([
    ['DH_MAX_TOPIC_LEVELS', '12', 'maxTopicLevels', 12],
    ['DH_MAX_SUBSCRIPTIONS_PER_CLIENT', '5', 'maxSubscriptionsPerClient', 5],
    ['DH_MAX_INFLIGHT', '20', 'maxInflight', 20],
    ['DH_MAX_OFFLINE_QUEUE', '50', 'maxOfflineQueue', 50],
    ['DH_SESSION_EXPIRY_SECONDS', '0', 'sessionExpirySeconds', 0],
    ['DH_REQUEST_RATE', '0', 'requestRate', 0],
    ['DH_REQUEST_BURST', '7', 'requestBurst', 7],
    ['DH_CONNECT_RATE_PER_IP', '3', 'connectRatePerIp', 3],
    ['DH_CONNECT_BURST_PER_IP', '4', 'connectBurstPerIp', 4],
    ['DH_CONNECT_RATE_EXEMPT', 'none', 'connectRateExempt', []],
    ['DH_CONNECT_RATE_EXEMPT', '10.0.0.1, ::1', 'connectRateExempt', ['10.0.0.1', '::1']],
  ])('reads %s=%j', (variable, value, key, expected) => {
    expect(loadBrokerConfig({ [variable]: value })).toHaveProperty(key, expected);
  });

  it.each([
    ['DH_MAX_TOPIC_LEVELS', '101'],
    ['DH_MAX_TOPIC_LEVELS', '7'],
    ['DH_MAX_SUBSCRIPTIONS_PER_CLIENT', '0'],
    ['DH_MAX_INFLIGHT', '65536'],
    ['DH_MAX_OFFLINE_QUEUE', '0'],
    ['DH_SESSION_EXPIRY_SECONDS', '-1'],
    ['DH_REQUEST_BURST', '0'],
    ['DH_CONNECT_RATE_PER_IP', 'fast'],
    ['DH_CONNECT_RATE_EXEMPT', 'localhost'],
  ])('refuses %s=%j naming it', (variable, value) => {
    expect(() => loadBrokerConfig({ [variable]: value })).toThrow(
      expect.objectContaining({ name: 'ConfigError', variable }),
    );
  });
});
