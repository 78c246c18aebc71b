import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { type ComposeFile, validateCompose, validateHaproxy } from './compose.rules';
import { composeTopics, declaredTopics } from './kafka-topics';
import { loadCompose } from './render';
import { DEPLOY_PATHS } from './repo-paths';
import { toolFromEnv } from './tool-binaries';

const SECRETS = { DH_JWT_SECRET: 'j', DH_ADMIN_PASSWORD: 'a', DH_POSTGRES_PASSWORD: 'p' };
const compose = parse(readFileSync(DEPLOY_PATHS.compose, 'utf8'), {
  merge: true,
}) as Required<ComposeFile>;

describe('docker-compose.yml', () => {
  describe('as loaded by the Compose loader', () => {
    const loader = toolFromEnv('composeLoader');

    it('is valid once the secrets are set', () => {
      process.stderr.write(`deploy-check: compose loaded with ${loader.via}\n`);
      expect(loadCompose(loader, SECRETS)).toEqual({ ok: true, errors: '' });
    });

    it.each(Object.keys(SECRETS))('refuses to start without %s, naming it', (variable) => {
      const vars: Record<string, string> = { ...SECRETS };
      delete vars[variable];
      const result = loadCompose(loader, vars);
      expect(result.ok).toBe(false);
      expect(result.errors).toContain(`required variable ${variable} is missing a value`);
    });
  });

  describe('as parsed', () => {
    it('passes the structural rules', () => {
      expect(validateCompose(compose)).toEqual([]);
    });

    it('runs two brokers and two gateways', () => {
      expect(compose.services['broker'].deploy?.replicas).toBe(2);
      expect(compose.services['gateway'].deploy?.replicas).toBe(2);
    });

    it('runs Kafka 3.9.x (the version the compose file was written for) and PostgreSQL 15', () => {
      expect(compose.services['kafka'].image).toMatch(/^apache\/kafka:3\.9\.\d+$/);
      expect(compose.services['postgres'].image).toMatch(/^postgres:15[.-]/);
    });

    it('creates the topics of the bus with their partition counts', () => {
      const command = String((compose.services['kafka-init'] as { command: string[] }).command);
      expect(composeTopics(command)).toEqual(declaredTopics());
    });

    it('balances MQTT and WebSocket over the brokers, checked on /readyz', () => {
      expect(validateHaproxy(readFileSync(DEPLOY_PATHS.haproxy, 'utf8'))).toEqual([]);
    });

    it('documents every required variable in the env example', () => {
      const example = readFileSync(DEPLOY_PATHS.composeEnvExample, 'utf8');
      for (const variable of Object.keys(SECRETS))
        expect(example).toMatch(new RegExp(`^${variable}=`, 'm'));
    });
  });

  describe('when one thing is broken', () => {
    type Services = Required<ComposeFile>['services'];
    const env = (s: Services, name: string) => (s[name].environment ??= {});
    it.each<[string, (s: Services) => void, string]>([
      ['a missing service', (s) => delete s['redis'], 'redis: missing'],
      [
        'one broker',
        (s) => (s['broker'].deploy = { replicas: 1 }),
        'broker: fewer than 2 replicas',
      ],
      [
        'a latest tag',
        (s) => (s['redis'].image = 'redis:latest'),
        'redis: image redis:latest has no pinned tag',
      ],
      [
        'a defaulted latest tag',
        (s) => (s['broker'].image = 'dh-mqtt/broker:${T:-latest}'),
        'has no pinned tag',
      ],
      ['no healthcheck', (s) => delete s['postgres'].healthcheck, 'postgres: no healthcheck'],
      [
        'a short depends_on',
        (s) => (s['lb'].depends_on = ['broker']),
        'lb: depends_on without a condition',
      ],
      [
        'depends_on service_started',
        (s) => (s['lb'].depends_on = { broker: { condition: 'service_started' } }),
        'without a readiness condition',
      ],
      [
        'a committed secret',
        (s) => (env(s, 'gateway')['DH_ADMIN_PASSWORD'] = 'dhadmin_#911'),
        'DH_ADMIN_PASSWORD is a committed value',
      ],
      [
        'an optional JWT secret',
        (s) => (env(s, 'gateway')['DH_JWT_SECRET'] = '${DH_JWT_SECRET:-}'),
        'DH_JWT_SECRET must be required',
      ],
      [
        'no Redis for the brokers',
        (s) => delete env(s, 'broker')['DH_REDIS_URL'],
        'broker: DH_REDIS_URL not set',
      ],
      [
        'no Redis for the gateways’ replies',
        (s) => delete env(s, 'gateway')['DH_REDIS_URL'],
        'gateway: DH_REDIS_URL not set',
      ],
      [
        'a broker publishing ports',
        (s) => (s['broker'].ports = ['1883:1883']),
        'broker: publishes ports',
      ],
      [
        'an lb without WebSocket',
        (s) => (s['lb'].ports = ['1883:1883']),
        'lb: does not publish 8083',
      ],
      [
        'a short stop grace period',
        (s) => (s['gateway'].stop_grace_period = '10s'),
        'gateway: stop_grace_period',
      ],
    ])('reports %s', (_defect, breakIt, problem) => {
      const broken = structuredClone(compose);
      breakIt(broken.services);
      expect(validateCompose(broken).join('\n')).toContain(problem);
    });

    it('reports an HAProxy config without the WebSocket frontend', () => {
      const cfg = readFileSync(DEPLOY_PATHS.haproxy, 'utf8').replace('bind :8083', 'bind :9001');
      expect(validateHaproxy(cfg)).toEqual(['haproxy: no frontend bound to 8083']);
    });
  });
});
