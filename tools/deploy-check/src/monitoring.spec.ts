import { readFileSync } from 'node:fs';
import { validateManifests } from './k8s-manifest.rules';
import {
  headingAnchors,
  validateDashboard,
  validateMonitors,
  validateRules,
  type Dashboard,
  type PrometheusRule,
} from './monitoring.rules';
import { renderKustomization, type K8sObject } from './render';
import { DEPLOY_PATHS } from './repo-paths';
import { toolFromEnv } from './tool-binaries';

const kustomize = toolFromEnv('kustomize');
const dashboard = JSON.parse(readFileSync(DEPLOY_PATHS.dashboard, 'utf8')) as Dashboard;
const headings = headingAnchors(readFileSync(DEPLOY_PATHS.operationsDoc, 'utf8'));

describe('k8s/optional/monitoring', () => {
  const objects = renderKustomization(kustomize, DEPLOY_PATHS.k8sMonitoring);
  const rules = objects.find((o) => o.kind === 'PrometheusRule') as PrometheusRule;
  const prod = renderKustomization(kustomize, DEPLOY_PATHS.overlay('prod'));

  it('renders with kustomize into known kinds in the dh-mqtt namespace', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/dh-mqtt-grafana-dashboard',
      'PrometheusRule/dh-mqtt',
      'ServiceMonitor/dh-mqtt-broker',
      'ServiceMonitor/dh-mqtt-gateway',
    ]);
    expect(validateManifests(objects, { externalSecrets: [], requireNamespace: true })).toEqual([]);
  });

  it('ships the dashboard JSON in a ConfigMap the Grafana sidecar picks up', () => {
    const configMap = objects.find((o) => o.kind === 'ConfigMap') as K8sObject & {
      data: Record<string, string>;
    };
    expect(configMap.metadata.labels?.['grafana_dashboard']).toBe('1');
    expect(JSON.parse(configMap.data['dh-mqtt-dashboard.json'])).toEqual(dashboard);
  });

  it('has ServiceMonitors that select the metrics Services of the pods on their http port', () => {
    const monitors = objects.filter((o) => o.kind === 'ServiceMonitor');
    expect(validateMonitors(monitors, prod)).toEqual([]);
  });

  it('has a dashboard whose every panel queries exported metrics (no dead panel)', () => {
    expect(validateDashboard(dashboard)).toEqual([]);
  });

  it('has alert rules on exported metrics, each with a severity, a summary and a runbook', () => {
    expect(validateRules(rules, headings)).toEqual([]);
  });

  it.each([
    'DhMqttNoReadyBroker',
    'DhMqttConsumerLagGrowing',
    'DhMqttServerErrorRatio',
    'DhMqttRequestLatencyHigh',
    'DhMqttRedisUnreachable',
    'DhMqttKafkaUnreachable',
    'DhMqttDatabaseSlow',
  ])('alerts with %s', (alert) => {
    const alerts = rules.spec.groups.flatMap((g) => g.rules.map((r) => r.alert));
    expect(alerts).toContain(alert);
  });

  describe('each check rejects the defect it names', () => {
    it('a panel on a metric nothing exports', () => {
      const dead: Dashboard = {
        ...dashboard,
        panels: [
          { type: 'timeseries', title: 'Dead', targets: [{ expr: 'rate(dh_nope_total[5m])' }] },
        ],
      };
      expect(validateDashboard(dead)).toEqual([
        'panel "Dead": dh_nope_total is not an exported metric',
      ]);
    });

    it('an alert without a runbook heading, a severity or a known metric', () => {
      const broken: PrometheusRule = {
        ...rules,
        spec: {
          groups: [
            {
              name: 'x',
              rules: [
                {
                  alert: 'Broken',
                  expr: 'dh_gone > 0',
                  annotations: { summary: 's', runbook: 'docs/operations.md#nowhere' },
                },
              ],
            },
          ],
        },
      };
      expect(validateRules(broken, headings)).toEqual([
        'Broken: dh_gone is not an exported metric',
        'Broken: no severity label',
        'Broken: runbook is not a heading of docs/operations.md',
      ]);
    });

    it('a ServiceMonitor on a port the Service does not have', () => {
      const monitor = structuredClone(
        objects.find((o) => o.kind === 'ServiceMonitor'),
      ) as K8sObject & {
        spec: { endpoints: { port: string }[] };
      };
      monitor.spec.endpoints[0].port = 'metrics';
      expect(validateMonitors([monitor], prod)).toEqual([
        'ServiceMonitor/dh-mqtt-broker: dh-mqtt-broker-metrics has no port named metrics',
      ]);
    });
  });
});
