import { KAFKA_TOPICS, requestPartitionFor } from '@dh-mqtt/bus';
import { SAMPLE_DEVICE } from './cluster';
import type { PodProcess } from './pod-process';
import type { DhClient } from './dh-client';

/** One request of a traffic loop and what came of it. */
export interface Outcome {
  seq: number;
  /** `success`, `error`, or `none` when no reply came at all. */
  status: 'success' | 'error' | 'none';
  code: number | undefined;
  sentAt: number;
  /** Reply time; undefined when none came. */
  repliedAt: number | undefined;
}

/**
 * Sends `notification/insert` requests `{from: client id, seq}` one after another until `stopAt`
 * (epoch ms, or a function read before each request so a test can move it once it knows when a
 * fault ended), each waiting for its reply (or `replyTimeoutMs`), and returns every outcome.
 */
export async function insertUntil(
  sender: DhClient,
  stopAt: number | (() => number),
  replyTimeoutMs = 15_000,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const stopTime = typeof stopAt === 'number' ? () => stopAt : stopAt;
  for (let seq = 1; Date.now() < stopTime(); seq++) {
    const sentAt = Date.now();
    try {
      const reply = await sender.request(
        'notification/insert',
        {
          deviceId: SAMPLE_DEVICE,
          notification: { notification: 'reading', parameters: { from: sender.clientId, seq } },
        },
        replyTimeoutMs,
      );
      const status = reply.body['status'] === 'success' ? 'success' : 'error';
      const code = reply.body['code'] as number | undefined;
      outcomes.push({ seq, status, code, sentAt, repliedAt: reply.at });
    } catch {
      outcomes.push({ seq, status: 'none', code: undefined, sentAt, repliedAt: undefined });
    }
    // A modest rate: the point is continuity across the fault, not load.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return outcomes;
}

/** The longest time between a request and its reply (how long the fault stalled a client). */
export function longestWait(outcomes: Outcome[]): number {
  return Math.max(0, ...outcomes.map((o) => (o.repliedAt ?? o.sentAt) - o.sentAt));
}

/** Seqs that were pushed more than once to one subscriber. */
export function duplicates(pairs: Array<[string, number]>): string[] {
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const [from, seq] of pairs) {
    const key = `${from}#${seq}`;
    if (seen.has(key)) twice.push(key);
    seen.add(key);
  }
  return twice;
}

/** The partition of `dh.requests.v2` a client's requests go to (docs/adr/0024). */
export function requestPartition(clientId: string): number {
  return requestPartitionFor(clientId, KAFKA_TOPICS.requests.defaultPartitions);
}

/**
 * The request partitions a gateway owns now, from its last "joined the group" log line (kafkajs
 * logs it at info, which the bus logs at debug: run the gateway with DH_LOG_LEVEL=debug).
 */
export function ownedPartitions(gateway: PodProcess): number[] {
  const joins = gateway.output
    .split('\n')
    .filter((line) => line.includes('Consumer has joined the group'));
  const last = joins.at(-1);
  if (!last) return [];
  const assignment = (JSON.parse(last) as { memberAssignment: Record<string, number[]> })
    .memberAssignment;
  return Object.values(assignment).flat();
}
