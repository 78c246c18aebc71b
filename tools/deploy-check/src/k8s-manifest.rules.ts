import type { K8sObject } from './render';
import { checkNetworkPolicies, type NetworkPolicy } from './k8s-network.rules';
import { checkDeployment, SECRET_VARIABLES, type Deployment } from './k8s-workload.rules';

/** Kinds the manifests may contain, with the only apiVersion accepted for each. */
export const KNOWN_KINDS: Readonly<Record<string, string>> = {
  ServiceAccount: 'v1',
  ConfigMap: 'v1',
  Service: 'v1',
  Deployment: 'apps/v1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
  PodDisruptionBudget: 'policy/v1',
  NetworkPolicy: 'networking.k8s.io/v1',
  KafkaTopic: 'kafka.strimzi.io/v1beta2',
  // Prometheus Operator (k8s/optional/monitoring)
  PrometheusRule: 'monitoring.coreos.com/v1',
  ServiceMonitor: 'monitoring.coreos.com/v1',
  PodMonitor: 'monitoring.coreos.com/v1',
};

export interface ManifestRulesOptions {
  /** Secrets created out of band (docs/deployment.md) that containers may reference. */
  externalSecrets: readonly string[];
  /** Every namespaced object must carry a namespace (true for rendered overlays). */
  requireNamespace: boolean;
}

interface Service extends K8sObject {
  spec: {
    type?: string;
    selector?: Record<string, string>;
    ports: { name?: string; port: number; targetPort?: string | number }[];
  };
}
interface Hpa extends K8sObject {
  spec: {
    scaleTargetRef: { kind: string; name: string };
    minReplicas?: number;
    maxReplicas: number;
    metrics?: { resource?: { name: string } }[];
  };
}
interface Pdb extends K8sObject {
  spec: {
    selector?: { matchLabels?: Record<string, string> };
    minAvailable?: number | string;
    maxUnavailable?: number | string;
  };
}

const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([key, value]) => labels[key] === value);

const of = <T extends K8sObject>(objects: K8sObject[], kind: string) =>
  objects.filter((o) => o.kind === kind) as T[];

function configOf(
  d: Deployment,
  configMaps: Map<string, Record<string, string>>,
  problems: string[],
) {
  const merged: Record<string, string> = {};
  for (const c of d.spec.template.spec.containers) {
    for (const source of c.envFrom ?? []) {
      const name = source.configMapRef?.name;
      if (!name) continue;
      const data = configMaps.get(name);
      if (!data) problems.push(`Deployment/${d.metadata.name}: ConfigMap ${name} is not rendered`);
      Object.assign(merged, data);
    }
  }
  return merged;
}

function checkSecretRefs(d: Deployment, secrets: Set<string>, problems: string[]) {
  for (const c of d.spec.template.spec.containers) {
    const names = [
      ...(c.env ?? []).map((e) => e.valueFrom?.secretKeyRef?.name),
      ...(c.envFrom ?? []).map((e) => e.secretRef?.name),
      ...(d.spec.template.spec.volumes ?? []).map((v) => v.secret?.secretName),
    ].filter((n): n is string => n != null);
    for (const name of names) {
      if (!secrets.has(name)) {
        problems.push(
          `Deployment/${d.metadata.name}: Secret ${name} is neither rendered nor documented`,
        );
      }
    }
  }
}

function checkService(s: Service, deployments: Deployment[], problems: string[]) {
  const where = `Service/${s.metadata.name}`;
  const targets = deployments.filter((d) =>
    matches(s.spec.selector ?? {}, d.spec.template.metadata.labels),
  );
  if (targets.length === 0) return problems.push(`${where}: selector matches no Deployment`);
  for (const port of s.spec.ports) {
    const target = port.targetPort ?? port.port;
    const found = targets.some((d) =>
      d.spec.template.spec.containers.some((c) =>
        (c.ports ?? []).some((p) => p.name === target || p.containerPort === target),
      ),
    );
    if (!found) problems.push(`${where}: targetPort ${String(target)} is no container port`);
  }
  return problems.length;
}

function minReplicas(d: Deployment, hpas: Hpa[]): number {
  const hpa = hpas.find((h) => h.spec.scaleTargetRef.name === d.metadata.name);
  return hpa ? (hpa.spec.minReplicas ?? 1) : (d.spec.replicas ?? 1);
}

/**
 * Offline validation of a rendered object set: known kinds and apiVersions, names and
 * namespaces, every Deployment ({@link checkDeployment}), ConfigMap and Secret references
 * (variables and volumes), Service selectors and target ports, NetworkPolicies
 * ({@link checkNetworkPolicies}), HPA and PDB targets, and PDBs that let a node drain.
 * Returns one sentence per problem; empty means valid.
 */
export function validateManifests(objects: K8sObject[], options: ManifestRulesOptions): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const o of objects) {
    const id = `${o.kind}/${o.metadata?.name}`;
    if (!(o.kind in KNOWN_KINDS)) problems.push(`${id}: unknown kind`);
    else if (KNOWN_KINDS[o.kind] !== o.apiVersion)
      problems.push(`${id}: apiVersion ${o.apiVersion}`);
    if (!o.metadata?.name) problems.push(`${id}: no metadata.name`);
    if (options.requireNamespace && !o.metadata?.namespace) problems.push(`${id}: no namespace`);
    if (seen.has(id)) problems.push(`${id}: defined twice`);
    seen.add(id);
  }
  const configMaps = new Map(
    of<K8sObject & { data?: Record<string, string> }>(objects, 'ConfigMap').map((c) => [
      c.metadata.name,
      c.data ?? {},
    ]),
  );
  for (const [name, data] of configMaps) {
    for (const variable of SECRET_VARIABLES.filter((v) => v in data)) {
      problems.push(`ConfigMap/${name}: holds the secret ${variable} (use a Secret)`);
    }
  }
  const secrets = new Set([
    ...options.externalSecrets,
    ...of(objects, 'Secret').map((s) => s.metadata.name),
  ]);
  const deployments = of<Deployment>(objects, 'Deployment');
  const hpas = of<Hpa>(objects, 'HorizontalPodAutoscaler');
  for (const d of deployments) {
    problems.push(...checkDeployment(d, configOf(d, configMaps, problems)));
    checkSecretRefs(d, secrets, problems);
  }
  const services = of<Service>(objects, 'Service');
  for (const s of services) checkService(s, deployments, problems);
  problems.push(
    ...checkNetworkPolicies(deployments, of<NetworkPolicy>(objects, 'NetworkPolicy'), services),
  );
  for (const h of hpas) {
    const where = `HorizontalPodAutoscaler/${h.metadata.name}`;
    const target = deployments.find((d) => d.metadata.name === h.spec.scaleTargetRef.name);
    if (h.spec.scaleTargetRef.kind !== 'Deployment' || !target) {
      problems.push(`${where}: target ${h.spec.scaleTargetRef.name} is not a rendered Deployment`);
    }
    if ((h.spec.minReplicas ?? 1) > h.spec.maxReplicas) problems.push(`${where}: min > max`);
    const usesCpu = (h.spec.metrics ?? []).some((m) => m.resource?.name === 'cpu');
    const cpuRequested = target?.spec.template.spec.containers.every(
      (c) => c.resources?.requests?.cpu,
    );
    if (usesCpu && target && !cpuRequested)
      problems.push(`${where}: CPU target without CPU requests`);
  }
  for (const p of of<Pdb>(objects, 'PodDisruptionBudget')) {
    const where = `PodDisruptionBudget/${p.metadata.name}`;
    const targets = deployments.filter((d) =>
      matches(p.spec.selector?.matchLabels ?? {}, d.spec.template.metadata.labels),
    );
    if (targets.length === 0) problems.push(`${where}: selector matches no Deployment`);
    if ((p.spec.minAvailable == null) === (p.spec.maxUnavailable == null)) {
      problems.push(`${where}: set exactly one of minAvailable and maxUnavailable`);
    }
    for (const d of targets) {
      if (typeof p.spec.minAvailable === 'number' && p.spec.minAvailable >= minReplicas(d, hpas)) {
        problems.push(`${where}: minAvailable blocks every eviction of ${d.metadata.name}`);
      }
      if (p.spec.maxUnavailable === 0) problems.push(`${where}: maxUnavailable 0 blocks drains`);
    }
  }
  return problems;
}

/** The Services of type LoadBalancer and the ports they expose. */
export function loadBalancerPorts(objects: K8sObject[]): number[] {
  return of<Service>(objects, 'Service')
    .filter((s) => s.spec.type === 'LoadBalancer')
    .flatMap((s) => s.spec.ports.map((p) => p.port));
}
