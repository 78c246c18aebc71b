import { isPinnedImage, SECRET_VARIABLES } from './k8s-workload.rules';

interface ComposeService {
  image?: string;
  restart?: string;
  init?: boolean;
  read_only?: boolean;
  stop_grace_period?: string;
  deploy?: { replicas?: number };
  environment?: Record<string, string | number | boolean | null>;
  ports?: (string | { target: number; published?: string | number })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: unknown; disable?: boolean };
}

/** docker-compose.yml as parsed (before interpolation). */
export interface ComposeFile {
  services?: Record<string, ComposeService>;
}

/** Services of the one-host cluster (docs/design.md) and the minimum replicas of each role. */
export const REQUIRED_SERVICES = [
  'kafka',
  'kafka-init',
  'redis',
  'postgres',
  'broker',
  'gateway',
  'lb',
];
export const MIN_REPLICAS: Record<string, number> = { broker: 2, gateway: 2 };

/** Variables each app service must receive (libs/runtime config; docs/design.md). */
export const REQUIRED_ENV: Record<string, string[]> = {
  broker: ['DH_KAFKA_BROKERS', 'DH_REDIS_URL', 'DH_MQTT_PORT', 'DH_WS_PORT', 'DH_HTTP_PORT'],
  gateway: [
    'DH_KAFKA_BROKERS',
    // Replies to the owning broker pod through Redis (docs/adr/0013).
    'DH_REDIS_URL',
    'DH_DATABASE_URL',
    'DH_JWT_SECRET',
    'DH_ADMIN_PASSWORD',
    'DH_HTTP_PORT',
  ],
};

const READY_CONDITIONS = ['service_healthy', 'service_completed_successfully'];

/** `${VAR:-default}` → `default`, other interpolations → empty: what an image tag falls back to. */
export function withDefaults(value: string): string {
  return value.replace(
    /\$\{[A-Z0-9_]+(?::?-([^}]*))?[^}]*\}/g,
    (_m, fallback?: string) => fallback ?? '',
  );
}

function seconds(duration: string | undefined): number {
  const match = /^(\d+)(ms|s|m)?$/.exec(duration ?? '10s');
  if (!match) return Number.NaN;
  const scale = { ms: 0.001, s: 1, m: 60 }[(match[2] ?? 's') as 'ms' | 's' | 'm'];
  return Number(match[1]) * scale;
}

function checkService(name: string, s: ComposeService, all: Record<string, ComposeService>) {
  const problems: string[] = [];
  const oneShot = s.restart === 'no';
  if (!s.image || !isPinnedImage(withDefaults(s.image))) {
    problems.push(`${name}: image ${String(s.image)} has no pinned tag`);
  }
  if (!oneShot && (!s.healthcheck?.test || s.healthcheck.disable)) {
    problems.push(`${name}: no healthcheck`);
  }
  const dependsOn = s.depends_on ?? {};
  if (Array.isArray(dependsOn)) {
    problems.push(
      `${name}: depends_on without a condition starts before its dependencies are ready`,
    );
  } else {
    for (const [target, { condition } = {}] of Object.entries(dependsOn)) {
      if (!(target in all)) problems.push(`${name}: depends on unknown service ${target}`);
      if (!READY_CONDITIONS.includes(condition ?? '')) {
        problems.push(`${name}: depends on ${target} without a readiness condition`);
      }
    }
  }
  const env = s.environment ?? {};
  for (const variable of REQUIRED_ENV[name] ?? []) {
    if (env[variable] == null || env[variable] === '')
      problems.push(`${name}: ${variable} not set`);
  }
  for (const variable of SECRET_VARIABLES) {
    const value = env[variable];
    if (value != null && !String(value).includes('${')) {
      problems.push(`${name}: ${variable} is a committed value, not taken from the environment`);
    }
  }
  if (env['DH_JWT_SECRET'] != null && !/^\$\{DH_JWT_SECRET:\?/.test(String(env['DH_JWT_SECRET']))) {
    problems.push(`${name}: DH_JWT_SECRET must be required (\${DH_JWT_SECRET:?...})`);
  }
  if ((s.deploy?.replicas ?? 1) < (MIN_REPLICAS[name] ?? 1)) {
    problems.push(`${name}: fewer than ${MIN_REPLICAS[name]} replicas`);
  }
  if (name in MIN_REPLICAS) {
    if (s.init !== true) problems.push(`${name}: no init process`);
    if (s.read_only !== true) problems.push(`${name}: writable root filesystem`);
    if ((s.ports ?? []).length > 0) problems.push(`${name}: publishes ports (use the lb)`);
    const shutdown = Number(env['DH_SHUTDOWN_TIMEOUT_MS'] ?? 10_000) / 1000;
    if (!(seconds(s.stop_grace_period) > shutdown)) {
      problems.push(`${name}: stop_grace_period does not cover DH_SHUTDOWN_TIMEOUT_MS`);
    }
  }
  return problems;
}

/** Container ports a service publishes on the host. */
export function publishedTargets(s: ComposeService): number[] {
  return (s.ports ?? []).map((p) =>
    typeof p === 'string' ? Number(p.split(':').pop()?.split('/')[0]) : p.target,
  );
}

/**
 * Structural rules of docker-compose.yml: the services of the cluster, pinned images, health
 * checks on every long-running service, readiness-gated depends_on, required and secret
 * variables, 2+ broker and gateway replicas behind an lb that publishes MQTT and WebSocket.
 */
export function validateCompose(file: ComposeFile, wsPort = 8083, mqttPort = 1883): string[] {
  const services = file.services ?? {};
  const problems = REQUIRED_SERVICES.filter((n) => !(n in services)).map((n) => `${n}: missing`);
  for (const [name, service] of Object.entries(services)) {
    problems.push(...checkService(name, service, services));
  }
  const lb = services['lb'];
  if (lb) {
    for (const port of [mqttPort, wsPort]) {
      if (!publishedTargets(lb).includes(port)) problems.push(`lb: does not publish ${port}`);
    }
  }
  return problems;
}

/** Rules of docker/haproxy/haproxy.cfg: MQTT and WebSocket fronted, brokers checked on /readyz. */
export function validateHaproxy(cfg: string, wsPort = 8083, mqttPort = 1883): string[] {
  const problems: string[] = [];
  const lines = cfg.split('\n').map((l) => l.trim());
  for (const port of [mqttPort, wsPort]) {
    if (!lines.includes(`bind :${port}`)) problems.push(`haproxy: no frontend bound to ${port}`);
    if (!lines.some((l) => l.startsWith('server') && l.endsWith(`broker:${port}`))) {
      problems.push(`haproxy: no broker backend on ${port}`);
    }
  }
  if (!lines.some((l) => /^mode tcp$/.test(l))) problems.push('haproxy: not in TCP mode');
  if (!lines.some((l) => l.includes('uri /readyz')))
    problems.push('haproxy: brokers not checked on /readyz');
  return problems;
}
