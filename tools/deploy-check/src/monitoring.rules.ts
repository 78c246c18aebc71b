import { METRICS, PENDING_METRICS, metricsInPromQL } from '@dh-mqtt/runtime';
import type { K8sObject } from './render';

/** A Grafana dashboard as far as the checks read it (rows may nest panels). */
export interface Dashboard {
  title?: string;
  uid?: string;
  panels?: DashboardPanel[];
}
interface DashboardPanel {
  type: string;
  title?: string;
  targets?: { expr?: string }[];
  panels?: DashboardPanel[];
}

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
/** A PrometheusRule object (monitoring.coreos.com/v1). */
export interface PrometheusRule extends K8sObject {
  spec: { groups: { name: string; rules: Rule[] }[] };
}

/** Every exported family, and those the cluster work will export. */
export const KNOWN_METRICS: ReadonlySet<string> = new Set([
  ...METRICS.map((m) => m.name),
  ...PENDING_METRICS.map((m) => m.name),
]);

/** Every PromQL expression of the dashboard, with the panel that holds it. */
export function dashboardQueries(dashboard: Dashboard): { panel: string; expr: string }[] {
  const queries: { panel: string; expr: string }[] = [];
  const walk = (panels: DashboardPanel[] = []) => {
    for (const panel of panels) {
      for (const target of panel.targets ?? []) {
        if (target.expr) queries.push({ panel: panel.title ?? '(untitled)', expr: target.expr });
      }
      walk(panel.panels);
    }
  };
  walk(dashboard.panels);
  return queries;
}

/** Every expression of the rules, with the alert or record that holds it. */
export function ruleQueries(rules: PrometheusRule): { rule: string; expr: string }[] {
  return rules.spec.groups.flatMap((group) =>
    group.rules.map((rule) => ({ rule: rule.alert ?? rule.record ?? '?', expr: rule.expr })),
  );
}

/** Problems of one expression: a metric name nothing exports (a dead panel or a silent alert). */
function unknownMetrics(where: string, expr: string): string[] {
  const names = metricsInPromQL(expr);
  const problems = names
    .filter((name) => !KNOWN_METRICS.has(name))
    .map((name) => `${where}: ${name} is not an exported metric`);
  if (names.length === 0) problems.push(`${where}: queries no dh-mqtt metric`);
  return problems;
}

/** Dashboard rules: a uid and title, panels with queries, every query on an exported metric. */
export function validateDashboard(dashboard: Dashboard): string[] {
  const problems: string[] = [];
  if (!dashboard.uid) problems.push('dashboard: no uid');
  if (!dashboard.title) problems.push('dashboard: no title');
  const queries = dashboardQueries(dashboard);
  if (queries.length === 0) problems.push('dashboard: no query');
  for (const { panel, expr } of queries) problems.push(...unknownMetrics(`panel "${panel}"`, expr));
  return problems;
}

/**
 * Alert rules: each alert has a severity, a summary and a runbook link to a heading of
 * docs/operations.md (`headings`: its anchors), and queries exported metrics only.
 */
export function validateRules(rules: PrometheusRule, headings: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const { rule, expr } of ruleQueries(rules)) problems.push(...unknownMetrics(rule, expr));
  for (const group of rules.spec.groups) {
    for (const rule of group.rules) {
      if (!rule.alert) continue;
      if (!['critical', 'warning', 'info'].includes(rule.labels?.['severity'] ?? '')) {
        problems.push(`${rule.alert}: no severity label`);
      }
      if (!rule.annotations?.['summary']) problems.push(`${rule.alert}: no summary`);
      const anchor = /^docs\/operations\.md#(.+)$/.exec(rule.annotations?.['runbook'] ?? '')?.[1];
      if (!anchor || !headings.has(anchor)) {
        problems.push(`${rule.alert}: runbook is not a heading of docs/operations.md`);
      }
    }
  }
  return problems;
}

/** The anchors of a Markdown document's headings, as GitHub makes them. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const [, text] of markdown.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    anchors.add(
      text
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    );
  }
  return anchors;
}

/**
 * ServiceMonitors and PodMonitors: each selects Services (Pods) of `targets` that have the
 * endpoint's named port, on `/metrics`.
 */
export function validateMonitors(monitors: K8sObject[], targets: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const monitor of monitors) {
    const id = `${monitor.kind}/${monitor.metadata.name}`;
    const spec = (monitor as K8sObject & { spec: MonitorSpec }).spec;
    const selector = spec.selector?.matchLabels ?? {};
    const endpoints = spec.endpoints ?? spec.podMetricsEndpoints ?? [];
    const kind = monitor.kind === 'ServiceMonitor' ? 'Service' : 'Pod';
    const selected = targets.filter(
      (t) =>
        t.kind === kind &&
        Object.keys(selector).length > 0 &&
        Object.entries(selector).every(([k, v]) => t.metadata.labels?.[k] === v),
    );
    if (selected.length === 0) problems.push(`${id}: selects no ${kind}`);
    if (endpoints.length === 0) problems.push(`${id}: no endpoint`);
    for (const endpoint of endpoints) {
      if ((endpoint.path ?? '/metrics') !== '/metrics')
        problems.push(`${id}: path is not /metrics`);
      for (const target of selected) {
        const ports = (target as K8sObject & { spec: { ports?: { name?: string }[] } }).spec.ports;
        if (!ports?.some((p) => p.name === endpoint.port)) {
          problems.push(`${id}: ${target.metadata.name} has no port named ${endpoint.port}`);
        }
      }
    }
  }
  return problems;
}

interface MonitorSpec {
  selector?: { matchLabels?: Record<string, string> };
  endpoints?: { port?: string; path?: string }[];
  podMetricsEndpoints?: { port?: string; path?: string }[];
}
