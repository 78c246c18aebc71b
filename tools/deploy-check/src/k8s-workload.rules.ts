import type { K8sObject } from './render';

/** The parts of a Deployment the checks read. */
export interface Deployment extends K8sObject {
  spec: {
    replicas?: number;
    selector: { matchLabels?: Record<string, string> };
    template: { metadata: { labels?: Record<string, string> }; spec: PodSpec };
  };
}

export interface PodSpec {
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  affinity?: { podAntiAffinity?: unknown };
  containers: Container[];
  volumes?: { name: string; secret?: { secretName: string } }[];
}

export interface Container {
  name: string;
  image?: string;
  ports?: { name?: string; containerPort: number }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string } } }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command?: string[] }; sleep?: { seconds: number } } };
  securityContext?: {
    runAsNonRoot?: boolean;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
  };
}

interface Probe {
  httpGet?: { path?: string; port?: string | number };
}

/** Variables that hold secrets (libs/runtime CoreConfig): only ever from a Secret. */
export const SECRET_VARIABLES = [
  'DH_JWT_SECRET',
  'DH_DATABASE_URL',
  'DH_ADMIN_PASSWORD',
  // The remote backend's service identity (docs/deployment.md, "In front of an existing DeviceHive").
  'DH_DEVICEHIVE_PASSWORD',
  'DH_DEVICEHIVE_REFRESH_TOKEN',
];

/** Which `DH_*` variable sets the port a named container port must equal (with its default). */
export const PORT_VARIABLES: Record<string, [variable: string, fallback: number]> = {
  mqtt: ['DH_MQTT_PORT', 1883],
  ws: ['DH_WS_PORT', 8083],
  http: ['DH_HTTP_PORT', 9090],
  mqtts: ['DH_TLS_PORT', 8883],
  wss: ['DH_WSS_PORT', 8084],
};

/** An image reference with an explicit tag other than `latest`, or a digest. */
export function isPinnedImage(image: string): boolean {
  if (image.includes('@sha256:')) return true;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  return colon > 0 && lastSegment.slice(colon + 1) !== 'latest';
}

function preStopSeconds(container: Container): number {
  const preStop = container.lifecycle?.preStop;
  if (preStop?.sleep) return preStop.sleep.seconds;
  const command = preStop?.exec?.command ?? [];
  return command[0] === 'sleep' ? Number(command[1] ?? 0) : 0;
}

function checkProbe(where: string, probe: Probe | undefined, path: string, c: Container) {
  if (!probe?.httpGet) return [`${where}: no HTTP probe on ${path}`];
  const problems: string[] = [];
  if (probe.httpGet.path !== path) problems.push(`${where}: probe path is not ${path}`);
  const port = probe.httpGet.port;
  const ports = c.ports ?? [];
  if (!ports.some((p) => p.name === port || p.containerPort === port)) {
    problems.push(`${where}: probe port ${String(port)} is not a container port`);
  }
  return problems;
}

/**
 * Problems of one container: pinned image, requests and limits, /readyz and /healthz probes on
 * a declared port, non-root read-only root filesystem, ports equal to the configured `DH_*`
 * ports, secrets only from Secrets. `config` is the merged ConfigMap data it receives.
 */
export function checkContainer(
  owner: string,
  c: Container,
  config: Record<string, string>,
): string[] {
  const where = `${owner} container ${c.name}`;
  const problems: string[] = [];
  if (!c.image || !isPinnedImage(c.image)) {
    problems.push(`${where}: image ${String(c.image)} has no pinned tag`);
  }
  for (const kind of ['requests', 'limits'] as const) {
    for (const resource of ['cpu', 'memory']) {
      if (!c.resources?.[kind]?.[resource]) problems.push(`${where}: no ${kind}.${resource}`);
    }
  }
  problems.push(...checkProbe(`${where} readiness`, c.readinessProbe, '/readyz', c));
  problems.push(...checkProbe(`${where} liveness`, c.livenessProbe, '/healthz', c));
  if (c.securityContext?.readOnlyRootFilesystem !== true) {
    problems.push(`${where}: root filesystem is not read-only`);
  }
  if (c.securityContext?.allowPrivilegeEscalation !== false) {
    problems.push(`${where}: privilege escalation is allowed`);
  }
  for (const port of c.ports ?? []) {
    const binding = port.name ? PORT_VARIABLES[port.name] : undefined;
    if (!binding) continue;
    const [variable, fallback] = binding;
    const configured = Number(config[variable] ?? fallback);
    if (configured !== port.containerPort) {
      problems.push(
        `${where}: port ${port.name} is ${port.containerPort} but ${variable} is ${configured}`,
      );
    }
  }
  for (const variable of c.env ?? []) {
    if (SECRET_VARIABLES.includes(variable.name) && !variable.valueFrom?.secretKeyRef) {
      problems.push(`${where}: ${variable.name} is not taken from a Secret`);
    }
  }
  return problems;
}

/**
 * Problems of one Deployment: selector within the template labels, non-root pod, anti-affinity,
 * and a termination grace period that covers the preStop pause plus DH_SHUTDOWN_TIMEOUT_MS.
 */
export function checkDeployment(d: Deployment, config: Record<string, string>): string[] {
  const where = `Deployment/${d.metadata.name}`;
  const problems: string[] = [];
  const selector = d.spec.selector.matchLabels ?? {};
  const labels = d.spec.template.metadata.labels ?? {};
  if (Object.keys(selector).length === 0) problems.push(`${where}: empty selector`);
  for (const [key, value] of Object.entries(selector)) {
    if (labels[key] !== value) problems.push(`${where}: selector ${key}=${value} not on the pods`);
  }
  const pod = d.spec.template.spec;
  const nonRoot = pod.securityContext?.runAsNonRoot === true;
  if (!nonRoot && !pod.containers.every((c) => c.securityContext?.runAsNonRoot === true)) {
    problems.push(`${where}: pods may run as root (runAsNonRoot not set)`);
  }
  if (pod.securityContext?.runAsUser === 0) problems.push(`${where}: runAsUser is 0`);
  if (!pod.affinity?.podAntiAffinity) problems.push(`${where}: no pod anti-affinity`);
  const shutdownSeconds = Number(config['DH_SHUTDOWN_TIMEOUT_MS'] ?? 10_000) / 1000;
  const pause = Math.max(0, ...pod.containers.map(preStopSeconds));
  const grace = pod.terminationGracePeriodSeconds ?? 30;
  if (grace <= pause + shutdownSeconds) {
    problems.push(
      `${where}: terminationGracePeriodSeconds ${grace} does not cover preStop ${pause}s + shutdown ${shutdownSeconds}s`,
    );
  }
  for (const c of pod.containers) problems.push(...checkContainer(where, c, config));
  return problems;
}
