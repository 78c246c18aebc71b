import { DEPLOY_PATHS } from './repo-paths';
import { loadBalancerPorts, validateManifests } from './k8s-manifest.rules';
import { declaredTopics } from './kafka-topics';
import { renderKustomization, type K8sObject } from './render';
import { toolFromEnv } from './tool-binaries';
import type { NetworkPolicy } from './k8s-network.rules';
import type { Deployment } from './k8s-workload.rules';

const kustomize = toolFromEnv('kustomize');
const EXTERNAL_SECRETS = ['dh-mqtt-secrets', 'dh-mqtt-tls'];

const find = <T extends K8sObject>(objects: K8sObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name) as T;

describe.each([
  { overlay: 'dev', namespace: 'dh-mqtt-dev', replicas: 1, tag: '0.1.0-dev' },
  { overlay: 'prod', namespace: 'dh-mqtt', replicas: 3, tag: '0.1.0' },
])('the $overlay overlay', ({ overlay, namespace, replicas, tag }) => {
  let objects: K8sObject[];
  beforeAll(() => {
    objects = renderKustomization(kustomize, DEPLOY_PATHS.overlay(overlay));
  });

  it('renders objects that pass every offline rule', () => {
    expect(
      validateManifests(objects, { externalSecrets: EXTERNAL_SECRETS, requireNamespace: true }),
    ).toEqual([]);
  });

  it(`puts everything in namespace ${namespace}`, () => {
    expect(new Set(objects.map((o) => o.metadata.namespace))).toEqual(new Set([namespace]));
  });

  it('exposes MQTT on TCP 1883, WebSocket 8083, TLS 8883, secure WebSocket 8084 and the DeviceHive APIs on 8080 through a LoadBalancer', () => {
    expect(loadBalancerPorts(objects).sort()).toEqual([1883, 8080, 8083, 8084, 8883]);
  });

  it('serves TLS from the mounted Secret dh-mqtt-tls, on the broker only', () => {
    const broker = find<Deployment>(objects, 'Deployment', 'dh-mqtt-broker').spec.template.spec;
    expect(broker.volumes).toContainEqual(
      expect.objectContaining({ secret: expect.objectContaining({ secretName: 'dh-mqtt-tls' }) }),
    );
    const gateway = find<Deployment>(objects, 'Deployment', 'dh-mqtt-gateway').spec.template.spec;
    expect(JSON.stringify(gateway.volumes ?? [])).not.toContain('dh-mqtt-tls');
  });

  it('puts every pod behind a NetworkPolicy: MQTT and API ports open to clients, the rest in-cluster', () => {
    const policy = (role: string) =>
      find<NetworkPolicy>(objects, 'NetworkPolicy', `dh-mqtt-${role}`).spec;
    const open = (role: string) =>
      (policy(role).ingress ?? [])
        .filter((rule) => rule.from === undefined)
        .flatMap((rule) => (rule.ports ?? []).map((p) => p.port));
    expect(open('broker').sort()).toEqual(['api', 'mqtt', 'mqtts', 'ws', 'wss']);
    expect(open('gateway')).toEqual([]);
    for (const role of ['broker', 'gateway']) {
      expect(policy(role).policyTypes).toEqual(['Ingress', 'Egress']);
    }
  });

  it.each(['broker', 'gateway'])(
    `runs %s with ${replicas} replicas of image tag ${tag}`,
    (role) => {
      const deployment = find<Deployment>(objects, 'Deployment', `dh-mqtt-${role}`);
      expect(deployment.spec.replicas).toBe(replicas);
      expect(deployment.spec.template.spec.containers[0].image).toMatch(
        new RegExp(`${role}:${tag}$`),
      );
    },
  );

  it('scales brokers within the reply partitions and gateways within the request partitions', () => {
    // Each broker pod reads its own dh.replies.v1 partition; extra gateways would sit idle.
    const topics = declaredTopics();
    const max = (name: string) =>
      find<K8sObject & { spec: { maxReplicas: number } }>(objects, 'HorizontalPodAutoscaler', name)
        .spec.maxReplicas;
    expect(max('dh-mqtt-broker')).toBeLessThanOrEqual(topics['dh.replies.v1']);
    expect(max('dh-mqtt-gateway')).toBeLessThanOrEqual(topics['dh.requests.v2']);
  });

  it('gives the secrets to the gateway only', () => {
    const secretVars = (role: string) =>
      (
        find<Deployment>(objects, 'Deployment', `dh-mqtt-${role}`).spec.template.spec.containers[0]
          .env ?? []
      )
        .filter((e) => e.valueFrom?.secretKeyRef)
        .map((e) => e.name);
    expect(secretVars('gateway').sort()).toEqual([
      'DH_ADMIN_PASSWORD',
      'DH_DATABASE_URL',
      'DH_JWT_SECRET',
    ]);
    expect(secretVars('broker')).toEqual([]);
  });
});

describe('the optional Strimzi topics', () => {
  it('declare exactly the topics and partitions of the bus, with the cluster label', () => {
    const topics = renderKustomization(kustomize, DEPLOY_PATHS.k8sOptional) as (K8sObject & {
      spec: { partitions: number };
    })[];
    expect(validateManifests(topics, { externalSecrets: [], requireNamespace: false })).toEqual([]);
    expect(Object.fromEntries(topics.map((t) => [t.metadata.name, t.spec.partitions]))).toEqual(
      declaredTopics(),
    );
    for (const topic of topics)
      expect(topic.metadata.labels?.['strimzi.io/cluster']).toBe('dh-kafka');
  });
});
