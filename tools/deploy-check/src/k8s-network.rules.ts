import type { K8sObject } from './render';
import type { Deployment } from './k8s-workload.rules';

type PolicyPort = { port?: string | number; protocol?: string };

export interface NetworkPolicy extends K8sObject {
  spec: {
    podSelector: { matchLabels?: Record<string, string> };
    policyTypes?: string[];
    ingress?: { from?: unknown[]; ports?: PolicyPort[] }[];
    egress?: { to?: unknown[]; ports?: PolicyPort[] }[];
  };
}

interface ServicePorts extends K8sObject {
  spec: {
    selector?: Record<string, string>;
    ports: { port: number; targetPort?: string | number }[];
  };
}

const selects = (selector: Record<string, string> = {}, labels: Record<string, string> = {}) =>
  Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([key, value]) => labels[key] === value);

/** Whether a policy port entry admits a container port (by name or number, TCP by default). */
function admits(entry: PolicyPort, port: { name?: string; containerPort: number }): boolean {
  if ((entry.protocol ?? 'TCP') !== 'TCP') return false;
  return entry.port === undefined || entry.port === port.name || entry.port === port.containerPort;
}

/**
 * The services each role reaches (by `app.kubernetes.io/component`), at the ports
 * k8s/base/network-policies.yaml assumes: brokers Kafka and Redis (MQTT state, reply channel);
 * gateways Kafka, PostgreSQL and Redis (replies to the owning pod, docs/adr/0013).
 */
export const REQUIRED_EGRESS: Record<string, { port: number; what: string }[]> = {
  broker: [
    { port: 9092, what: 'Kafka' },
    { port: 6379, what: 'Redis' },
  ],
  gateway: [
    { port: 9092, what: 'Kafka' },
    { port: 5432, what: 'PostgreSQL' },
    { port: 6379, what: 'Redis (replies)' },
  ],
};

/**
 * The network rules of docs/security.md ("Kubernetes"): every Deployment is selected by a
 * NetworkPolicy that restricts both directions (default deny); every container port a Service
 * sends traffic to is admitted by an ingress rule; egress allows DNS and the services of
 * {@link REQUIRED_EGRESS}. Returns one sentence per problem.
 */
export function checkNetworkPolicies(
  deployments: Deployment[],
  policies: NetworkPolicy[],
  services: ServicePorts[],
): string[] {
  const problems: string[] = [];
  for (const d of deployments) {
    const where = `Deployment/${d.metadata.name}`;
    const labels = d.spec.template.metadata.labels;
    const own = policies.filter((p) => selects(p.spec.podSelector.matchLabels, labels));
    if (own.length === 0) {
      problems.push(`${where}: no NetworkPolicy selects its pods`);
      continue;
    }
    for (const direction of ['Ingress', 'Egress']) {
      if (!own.some((p) => p.spec.policyTypes?.includes(direction))) {
        problems.push(`${where}: no NetworkPolicy restricts ${direction.toLowerCase()}`);
      }
    }
    const ingress = own.flatMap((p) => p.spec.ingress ?? []);
    const ports = d.spec.template.spec.containers.flatMap((c) => c.ports ?? []);
    const targeted = services
      .filter((s) => selects(s.spec.selector, labels))
      .flatMap((s) => s.spec.ports.map((p) => p.targetPort ?? p.port));
    for (const target of new Set(targeted)) {
      const port = ports.find((p) => p.name === target || p.containerPort === target);
      if (port && !ingress.some((rule) => (rule.ports ?? [{}]).some((e) => admits(e, port)))) {
        problems.push(`${where}: port ${String(target)} is served but no ingress rule admits it`);
      }
    }
    const egress = own.flatMap((p) => p.spec.egress ?? []);
    const dns = egress.some((rule) =>
      (rule.ports ?? []).some((e) => e.port === 53 && e.protocol === 'UDP'),
    );
    if (!dns) problems.push(`${where}: egress does not allow DNS (53/UDP)`);
    const component = labels?.['app.kubernetes.io/component'] ?? '';
    for (const { port, what } of REQUIRED_EGRESS[component] ?? []) {
      const allowed = egress.some((rule) =>
        (rule.ports ?? [{}]).some((e) => admits(e, { containerPort: port })),
      );
      if (!allowed) problems.push(`${where}: egress does not allow ${what} (${port}/TCP)`);
    }
  }
  return problems;
}
