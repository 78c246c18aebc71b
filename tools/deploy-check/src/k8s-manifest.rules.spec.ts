import { DEPLOY_PATHS } from './repo-paths';
import { validateManifests } from './k8s-manifest.rules';
import { renderKustomization, type K8sObject } from './render';
import { toolFromEnv } from './tool-binaries';
import type { Deployment } from './k8s-workload.rules';

const OPTIONS = { externalSecrets: ['dh-mqtt-secrets', 'dh-mqtt-tls'], requireNamespace: true };

// The rules must reject each defect they name: start from the valid prod render, break one thing.
describe(validateManifests.name, () => {
  let valid: K8sObject[];
  beforeAll(() => {
    valid = renderKustomization(toolFromEnv('kustomize'), DEPLOY_PATHS.overlay('prod'));
  });

  const broker = (objects: K8sObject[]) =>
    objects.find(
      (o) => o.metadata.name === 'dh-mqtt-broker' && o.kind === 'Deployment',
    ) as Deployment;
  const container = (objects: K8sObject[]) => broker(objects).spec.template.spec.containers[0];
  const named = (objects: K8sObject[], kind: string, name: string) =>
    objects.find((o) => o.kind === kind && o.metadata.name === name) as K8sObject & {
      spec: Record<string, unknown>;
    };

  it('accepts the prod overlay as rendered', () => {
    expect(validateManifests(valid, OPTIONS)).toEqual([]);
  });

  describe('when one thing is broken', () => {
    it.each<[string, (objects: K8sObject[]) => void, string]>([
      ['an unknown kind', (o) => o.push({ ...o[0], kind: 'Ingress' }), 'unknown kind'],
      [
        'an old apiVersion',
        (o) =>
          (named(o, 'HorizontalPodAutoscaler', 'dh-mqtt-broker').apiVersion = 'autoscaling/v1'),
        'apiVersion autoscaling/v1',
      ],
      ['no namespace', (o) => delete o[0].metadata.namespace, 'no namespace'],
      [
        'the latest tag',
        (o) => (container(o).image = 'dh-mqtt/broker:latest'),
        'has no pinned tag',
      ],
      ['an untagged image', (o) => (container(o).image = 'dh-mqtt/broker'), 'has no pinned tag'],
      [
        'no memory limit',
        (o) => delete container(o).resources?.limits?.['memory'],
        'no limits.memory',
      ],
      ['no readiness probe', (o) => delete container(o).readinessProbe, 'no HTTP probe on /readyz'],
      [
        'liveness on /readyz',
        (o) => (container(o).livenessProbe = container(o).readinessProbe),
        'probe path is not /healthz',
      ],
      [
        'a probe on an undeclared port',
        (o) => (container(o).readinessProbe = { httpGet: { path: '/readyz', port: 'metrics' } }),
        'probe port metrics',
      ],
      [
        'root allowed',
        (o) => delete broker(o).spec.template.spec.securityContext?.runAsNonRoot,
        'may run as root',
      ],
      [
        'a writable root filesystem',
        (o) => delete container(o).securityContext?.readOnlyRootFilesystem,
        'not read-only',
      ],
      [
        'no anti-affinity',
        (o) => delete broker(o).spec.template.spec.affinity,
        'no pod anti-affinity',
      ],
      [
        'a grace period shorter than the drain',
        (o) => (broker(o).spec.template.spec.terminationGracePeriodSeconds = 30),
        'does not cover preStop 5s + shutdown 30s',
      ],
      [
        'a selector the pods do not carry',
        (o) => (broker(o).spec.selector.matchLabels = { app: 'other' }),
        'selector app=other not on the pods',
      ],
      [
        'a container port that disagrees with DH_MQTT_PORT',
        (o) => ((container(o).ports ?? [])[0].containerPort = 1884),
        'port mqtt is 1884 but DH_MQTT_PORT is 1883',
      ],
      [
        'a secret given as a plain value',
        (o) => (container(o).env ??= []).push({ name: 'DH_JWT_SECRET', value: 'x' }),
        'DH_JWT_SECRET is not taken from a Secret',
      ],
      [
        'a secret in the ConfigMap',
        (o) =>
          ((
            o.find((c) => c.kind === 'ConfigMap') as unknown as { data: Record<string, string> }
          ).data['DH_ADMIN_PASSWORD'] = 'x'),
        'holds the secret DH_ADMIN_PASSWORD',
      ],
      [
        'a Service selecting nothing',
        (o) => (named(o, 'Service', 'dh-mqtt-broker').spec['selector'] = { app: 'none' }),
        'selector matches no Deployment',
      ],
      [
        'a Service on an unknown targetPort',
        (o) =>
          ((
            named(o, 'Service', 'dh-mqtt-broker').spec['ports'] as { targetPort: string }[]
          )[0].targetPort = 'mqtt-tls'),
        'targetPort mqtt-tls is no container port',
      ],
      [
        'an HPA on a missing Deployment',
        (o) =>
          ((
            named(o, 'HorizontalPodAutoscaler', 'dh-mqtt-broker').spec['scaleTargetRef'] as {
              name: string;
            }
          ).name = 'gone'),
        'target gone is not a rendered Deployment',
      ],
      [
        'an HPA with min above max',
        (o) => (named(o, 'HorizontalPodAutoscaler', 'dh-mqtt-broker').spec['minReplicas'] = 99),
        'min > max',
      ],
      [
        'a PDB that blocks drains',
        (o) =>
          (named(o, 'PodDisruptionBudget', 'dh-mqtt-broker').spec = {
            minAvailable: 3,
            selector: broker(o).spec.selector,
          }),
        'minAvailable blocks every eviction',
      ],
      [
        'a PDB selecting nothing',
        (o) =>
          (named(o, 'PodDisruptionBudget', 'dh-mqtt-broker').spec['selector'] = {
            matchLabels: { a: 'b' },
          }),
        'selector matches no Deployment',
      ],
      [
        'a pod no NetworkPolicy selects',
        (o) => o.splice(o.indexOf(named(o, 'NetworkPolicy', 'dh-mqtt-gateway')), 1),
        'Deployment/dh-mqtt-gateway: no NetworkPolicy selects its pods',
      ],
      [
        'a NetworkPolicy that leaves egress open',
        (o) => (named(o, 'NetworkPolicy', 'dh-mqtt-broker').spec['policyTypes'] = ['Ingress']),
        'Deployment/dh-mqtt-broker: no NetworkPolicy restricts egress',
      ],
      [
        'a served port the NetworkPolicy does not admit',
        (o) =>
          (named(o, 'NetworkPolicy', 'dh-mqtt-broker').spec['ingress'] = [
            { ports: [{ port: 'mqtt' }] },
          ]),
        'port wss is served but no ingress rule admits it',
      ],
      [
        'egress without DNS',
        (o) => (named(o, 'NetworkPolicy', 'dh-mqtt-gateway').spec['egress'] = []),
        'Deployment/dh-mqtt-gateway: egress does not allow DNS',
      ],
      [
        'a gateway that cannot reach Redis for its replies',
        (o) =>
          (named(o, 'NetworkPolicy', 'dh-mqtt-gateway').spec['egress'] = [
            { ports: [{ port: 53, protocol: 'UDP' }] },
            { ports: [{ port: 9092 }, { port: 5432 }] },
          ]),
        'Deployment/dh-mqtt-gateway: egress does not allow Redis (replies) (6379/TCP)',
      ],
      [
        'a TLS port that disagrees with DH_TLS_PORT',
        (o) => ((container(o).ports ?? []).find((p) => p.name === 'mqtts')!.containerPort = 8884),
        'port mqtts is 8884 but DH_TLS_PORT is 8883',
      ],
    ])('reports %s', (_defect, breakIt, problem) => {
      const objects = structuredClone(valid);
      breakIt(objects);
      expect(validateManifests(objects, OPTIONS).join('\n')).toContain(problem);
    });

    it('reports a Secret that is neither rendered nor documented', () => {
      const problems = validateManifests(valid, { ...OPTIONS, externalSecrets: [] }).join('\n');
      expect(problems).toContain('Secret dh-mqtt-secrets is neither rendered nor documented');
      expect(problems).toContain('Secret dh-mqtt-tls is neither rendered nor documented');
    });
  });
});
