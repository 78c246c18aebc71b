import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inbox, connectMqtt } from '@dh-mqtt/broker/testing';
import {
  METRICS,
  PENDING_METRICS,
  metricsInPromQL,
  parsePrometheusText,
  sampleNamesOf,
  sampleValue,
  sampledNames,
  type Sample,
} from '@dh-mqtt/runtime';
import type { MqttClient } from 'mqtt';
import WebSocket from 'ws';
import { parse } from 'yaml';
import { startStandalone, type Standalone } from '../src/standalone';
import { ApiTestServer } from './api-test-client';

jest.setTimeout(60_000);

const DEVICE = 'e50d6085-2aba-48e9-b1c3-73c673e414be';
const MONITORING = join(__dirname, '../../../k8s/optional/monitoring');

/** Every metric family the dashboard and the alert rules query. */
function queriedMetrics(): Set<string> {
  const dashboard = JSON.parse(readFileSync(join(MONITORING, 'dh-mqtt-dashboard.json'), 'utf8'));
  const rules = parse(readFileSync(join(MONITORING, 'prometheus-rules.yaml'), 'utf8')) as {
    spec: { groups: { rules: { expr: string }[] }[] };
  };
  const exprs: string[] = [];
  const walk = (panels: { targets?: { expr?: string }[]; panels?: unknown[] }[] = []) => {
    for (const panel of panels) {
      for (const target of panel.targets ?? []) if (target.expr) exprs.push(target.expr);
      walk(panel.panels as typeof panels);
    }
  };
  walk(dashboard.panels);
  for (const group of rules.spec.groups) for (const rule of group.rules) exprs.push(rule.expr);
  return new Set(exprs.flatMap(metricsInPromQL));
}

describe(`${startStandalone.name} /metrics after real MQTT traffic`, () => {
  const server = new ApiTestServer();
  let app: Standalone;
  let samples: Sample[];
  const clients: MqttClient[] = [];
  let websocket: WebSocket | undefined;

  beforeAll(async () => {
    await server.start();
    app = server.app;
    const url = `mqtt://127.0.0.1:${app.ports.mqtt}`;
    const admin = await connectMqtt(url, 'metrics-admin', {
      username: 'dhadmin',
      password: 'dhadmin_#911',
    });
    const listener = await connectMqtt(`ws://127.0.0.1:${app.ports.ws}/mqtt`, 'metrics-ws', {
      username: 'dhadmin',
      password: 'dhadmin_#911',
    });
    clients.push(admin, listener);
    const replies = new Inbox(admin);
    const pushes = new Inbox(listener);
    await admin.subscribeAsync('dh/response/#', { qos: 1 });
    await listener.subscribeAsync('dh/notification/#', { qos: 1 });
    const ask = async (body: object) => {
      await admin.publishAsync('dh/request', JSON.stringify(body), { qos: 1 });
      return (await replies.next(10_000)).payload;
    };
    await ask({ action: 'server/info', requestId: 1 });
    await ask({ action: 'device/get', requestId: 2, deviceId: DEVICE });
    await ask({ action: 'no/such-action', requestId: 3 });
    await ask({
      action: 'notification/insert',
      requestId: 4,
      deviceId: DEVICE,
      notification: { notification: 'temperature', parameters: { t: 21 } },
    });
    await pushes.next(10_000);
    await expect(
      connectMqtt(url, 'metrics-intruder', { username: 'dhadmin', password: 'wrong' }),
    ).rejects.toMatchObject({ code: 4 });
    await admin.publishAsync('$SYS/forged', 'x', { qos: 1 });
    // DeviceHive's REST and WebSocket APIs (docs/api/rest.md)
    const api = `127.0.0.1:${app.ports.api}`;
    expect((await fetch(`http://${api}/api/rest/info`)).status).toBe(200);
    expect((await fetch(`http://${api}/api/rest/device/${DEVICE}`)).status).toBe(401);
    websocket = new WebSocket(`ws://${api}/api/websocket`);
    await new Promise((resolve, reject) => websocket?.once('open', resolve).once('error', reject));
    samples = parsePrometheusText(
      await (await fetch(`http://127.0.0.1:${app.ports.http}/metrics`)).text(),
    );
  });

  afterAll(async () => {
    websocket?.terminate();
    await Promise.all(clients.map((client) => client.endAsync(true)));
    await server.stop();
  });

  it('exports every metric the catalog lists for the embedded process', () => {
    const sampled = sampledNames(samples);
    const missing = METRICS.filter((m) => m.roles.includes('standalone') && !m.when)
      .flatMap(sampleNamesOf)
      .filter((name) => !sampled.has(name));
    expect(missing).toEqual([]);
  });

  it('exports every metric the dashboard and the alert rules query (no dead panel)', () => {
    const sampled = sampledNames(samples);
    const catalog = new Map(METRICS.map((m) => [m.name, m]));
    const pending = new Set(PENDING_METRICS.map((m) => m.name));
    const dead = [...queriedMetrics()].filter((name) => {
      if (pending.has(name)) return false; // listed in the report: exported by the cluster work
      const spec = catalog.get(name);
      if (!spec) return true;
      // Exported by cluster pods only, or with TLS / PostgreSQL / Redis: the broker-app,
      // gateway-app and unit specs scrape those.
      if (!spec.roles.includes('standalone') || spec.when) return false;
      return !sampleNamesOf(spec).every((sample) => sampled.has(sample));
    });
    expect(dead).toEqual([]);
  });

  it('exports no dh_ metric the catalog does not list', () => {
    const known = new Set(METRICS.flatMap(sampleNamesOf));
    const unlisted = [...sampledNames(samples)].filter(
      (name) => name.startsWith('dh_') && !known.has(name),
    );
    expect(unlisted).toEqual([]);
  });

  it('counts what the traffic did: connections, logins, requests, pushes, database time', () => {
    const value = (name: string, labels?: Record<string, string>) =>
      sampleValue(samples, name, { app: 'standalone', ...labels });
    expect(value('dh_mqtt_connections', { listener: 'tcp' })).toBe(1);
    expect(value('dh_mqtt_connections', { listener: 'ws' })).toBe(1);
    expect(value('dh_mqtt_connects_total', { result: 'accepted' })).toBe(2);
    expect(value('dh_mqtt_connects_total', { result: 'bad_credentials' })).toBe(1);
    // Requests of every face count (docs/adr/0012): server/info once over MQTT, once over REST.
    expect(value('dh_requests_total', { action: 'server/info', status: 'success' })).toBe(2);
    expect(value('dh_requests_total', { action: 'other' })).toBe(1);
    expect(
      value('dh_gateway_actions_total', { action: 'notification/insert', outcome: 'success' }),
    ).toBe(1);
    // device/get once over MQTT, once over REST without a token (401)
    expect(value('dh_request_duration_seconds_count', { action: 'device/get' })).toBe(2);
    expect(value('dh_pushes_total', { kind: 'notification' })).toBe(1);
    expect(value('dh_push_latency_seconds_count', { kind: 'notification' })).toBe(1);
    expect(value('dh_mqtt_messages_dropped_total', { reason: 'reserved' })).toBe(1);
    expect(value('dh_db_statement_duration_seconds_count')).toBeGreaterThan(0);
    expect(value('dh_http_requests_total', { route: '/api/rest/info', status: '200' })).toBe(1);
    expect(
      value('dh_http_requests_total', { route: '/api/rest/device/{deviceId}', status: '401' }),
    ).toBe(1);
    expect(value('dh_http_request_duration_seconds_count', { route: '/api/rest/info' })).toBe(1);
    expect(value('dh_api_ws_connections')).toBe(1);
    expect(value('dh_ready')).toBe(1);
    expect(value('dh_bus_up')).toBe(1);
    expect(value('process_cpu_seconds_total')).toBeGreaterThan(0);
  });
});
