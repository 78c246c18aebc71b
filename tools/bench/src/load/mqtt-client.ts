import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import type { Credentials } from '../systems/system';
import { LeanMqttClient, type GeneratorClient } from './lean-mqtt';

/** Which MQTT client the request generator runs on (`--generator`, tools/bench/README.md). */
export type GeneratorKind = 'lean' | 'mqtt.js';
export const GENERATOR_KINDS: readonly GeneratorKind[] = ['lean', 'mqtt.js'];
/** How the orchestrator tells its forked generator processes (they inherit its environment). */
export const GENERATOR_ENV = 'DH_BENCH_GENERATOR';

export function generatorKind(): GeneratorKind {
  return process.env[GENERATOR_ENV] === 'mqtt.js' ? 'mqtt.js' : 'lean';
}

/** A request-generator client: {@link LeanMqttClient} by default, MQTT.js when asked. */
export function connectGeneratorClient(
  url: string,
  clientId: string,
  credentials?: Credentials,
): Promise<GeneratorClient> {
  return generatorKind() === 'mqtt.js'
    ? connectClient(url, clientId, credentials)
    : LeanMqttClient.connect(url, clientId, credentials);
}

/**
 * One generator client: MQTT 3.1.1, clean session, no reconnect (a dropped connection is a
 * failure to report, not to hide), long keep-alive so idle connections stay idle.
 */
export function connectClient(
  url: string,
  clientId: string,
  credentials?: Credentials,
  extra: IClientOptions = {},
): Promise<MqttClient> {
  return connectAsync(url, {
    clientId,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 0,
    keepalive: 600,
    connectTimeout: 60_000,
    ...(credentials ?? {}),
    ...extra,
  });
}

/** Ends clients without waiting for in-flight messages. */
export async function endAll(clients: readonly (MqttClient | GeneratorClient)[]): Promise<void> {
  await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Calls `tick(dueCount)` every few ms with how many sends are due to hold `ratePerSec`. */
export function pace(ratePerSec: number, tick: (due: number) => void): () => void {
  const started = performance.now();
  let issued = 0;
  const timer = setInterval(() => {
    const target = Math.floor(((performance.now() - started) / 1000) * ratePerSec);
    const due = target - issued;
    if (due > 0) {
      issued += due;
      tick(due);
    }
  }, 2);
  return () => clearInterval(timer);
}
