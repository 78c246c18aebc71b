import { DhError } from '@dh-mqtt/protocol';
import type { Message, Producer } from 'kafkajs';
import { KAFKA_HEADERS } from '../kafka-topics';
import { ACKS_ALL } from './kafka-bus-options';
import { pacingHoldMs, type PacedStart } from './pacing';

/** A record for {@link ProduceBatcher.send}. */
export interface ProduceRecord extends Message {
  key: string;
  value: string;
  headers: Record<string, string>;
  partition?: number;
}

/** Defaults: at most this many records, and about this many bytes, per produce request. */
const MAX_RECORDS = 500;
const MAX_BYTES = 256 * 1024;

/** Limits and pacing of a {@link ProduceBatcher}. */
export interface ProduceBatcherOptions {
  /** At most this many records per produce request (default 500). */
  maxRecords?: number;
  /** About this many bytes per produce request at most (default 256 KiB). */
  maxBytes?: number;
  /**
   * Shortest time in ms from one batch leaving to the next (default 0: as soon as the previous
   * one is acknowledged). Records sent within it wait and leave together (docs/adr/0022).
   */
  intervalMs?: number;
  /** Called with each hold the interval causes, in ms (the pacing metric). */
  onHold?(ms: number): void;
  /**
   * Topics whose records leave packed (docs/adr/0024): the records of one batch bound for the same
   * partition with the same headers go as one Kafka record whose value is the JSON array of their
   * values, in call order, with their number in `dh-count`. Their values must be JSON; a record
   * that names no partition goes alone (an array of one).
   */
  packedTopics?: readonly string[];
  /** Called when a batch with packed records is acknowledged: its packed records and values. */
  onPacked?(records: number, values: number): void;
}

interface Pending {
  topic: string;
  record: ProduceRecord;
  resolve(): void;
  reject(error: unknown): void;
}

function sizeOf(record: ProduceRecord): number {
  let bytes = record.key.length + record.value.length;
  for (const [name, value] of Object.entries(record.headers)) bytes += name.length + value.length;
  return bytes;
}

/**
 * Records go to Kafka in batches, one `sendBatch` (one produce request per Kafka broker) at a
 * time: records sent while a batch is on its way wait and leave together as the next batch as
 * soon as it is acknowledged; a record sent when nothing is in flight leaves at the end of the
 * current event-loop turn with whatever else that turn sent. A quiet bus therefore sends each
 * record at once, and a busy one sends as few requests as Kafka's round trips allow (group
 * commit). One request per record spent a third to a half of every pod's CPU on socket writes and
 * encoding (docs/performance.md), and the idempotent producer (`maxInFlightRequests: 1`) queued
 * them behind each other anyway. Each `send` resolves when its batch is acknowledged
 * (`acks=all`) and rejects when the batch fails, so a caller sees what it saw with its own
 * `send`. Order: batches leave one after another in call order and records keep their call
 * order within a batch, so records of one key reach their partition in the order they were sent
 * (a failed batch does not hold back the next one). A batch is cut at {@link MAX_RECORDS} records
 * or about {@link MAX_BYTES} bytes, so one big record (a long list reply) goes alone and a batch
 * stays under Kafka's `max.message.bytes` whenever its records do. With `intervalMs` a batch also
 * leaves no sooner than that long after the previous one left when that one carried two records
 * or more (docs/adr/0022): at a moderate rate the records that would go in ones and twos wait a
 * few milliseconds and go together, while a quiet bus, or one client at a time, still sends a
 * record at once.
 */
export class ProduceBatcher {
  private pending: Pending[] = [];
  private scheduled = false;
  private inFlight = false;
  /** The last batch handed to the producer (`intervalMs`). */
  private lastBatch: PacedStart | undefined;
  private readonly limits: Required<
    Pick<ProduceBatcherOptions, 'maxRecords' | 'maxBytes' | 'intervalMs'>
  >;
  private readonly packed: ReadonlySet<string>;

  constructor(
    private readonly producer: () => Pick<Producer, 'sendBatch'> | undefined,
    private readonly options: ProduceBatcherOptions = {},
  ) {
    this.limits = {
      maxRecords: options.maxRecords ?? MAX_RECORDS,
      maxBytes: options.maxBytes ?? MAX_BYTES,
      intervalMs: options.intervalMs ?? 0,
    };
    this.packed = new Set(options.packedTopics);
  }

  /** Records waiting for the batch in flight or for the end of the turn. */
  get queued(): number {
    return this.pending.length;
  }

  send(topic: string, record: ProduceRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ topic, record, resolve, reject });
      if (!this.inFlight && !this.scheduled) this.schedule();
    });
  }

  /**
   * Time left before the next batch may leave: `intervalMs` after the last one left, when that
   * one carried two records or more (as the fetches: a lone record per batch is a producer
   * keeping up, often one client waiting for each reply, whose round trip a hold would lengthen).
   */
  private holdMs(): number {
    return pacingHoldMs(this.lastBatch, this.limits.intervalMs);
  }

  /** Flushes at the end of this turn, or when the interval since the last batch has passed. */
  private schedule(): void {
    this.scheduled = true;
    const hold = this.holdMs();
    const flush = (): void => {
      this.scheduled = false;
      // A timer may fire a millisecond before Date.now() says the hold is over: it is over.
      this.flush(hold > 0);
    };
    if (hold > 0) {
      this.options.onHold?.(hold);
      setTimeout(flush, hold);
    } else {
      setImmediate(flush);
    }
  }

  /**
   * Sends the next batch unless one is in flight (its completion sends the rest), or unless the
   * interval holds it (`held`: the hold's own timer, which does not check it again).
   */
  private flush(held = false): void {
    if (this.inFlight || this.pending.length === 0) return;
    const producer = this.producer();
    if (!producer) {
      for (const entry of this.takeBatch()) entry.reject(new DhError('DH_ERR_BACKEND_UNAVAILABLE'));
      this.flush();
      return;
    }
    if (!held && this.holdMs() > 0) {
      if (!this.scheduled) this.schedule();
      return;
    }
    const batch = this.takeBatch();
    this.lastBatch = { startedAt: Date.now(), records: batch.length };
    const byTopic = new Map<string, ProduceRecord[]>();
    for (const { topic, record } of batch) {
      const records = byTopic.get(topic);
      if (records) records.push(record);
      else byTopic.set(topic, [record]);
    }
    const packed = { records: 0, values: 0 };
    const topicMessages = [...byTopic].map(([topic, messages]) => {
      if (!this.packed.has(topic)) return { topic, messages };
      const packs = pack(messages);
      packed.records += packs.length;
      packed.values += messages.length;
      return { topic, messages: packs };
    });
    this.inFlight = true;
    producer
      .sendBatch({
        acks: ACKS_ALL,
        topicMessages,
      })
      .then(
        () => {
          for (const entry of batch) entry.resolve();
          if (packed.records > 0) this.options.onPacked?.(packed.records, packed.values);
        },
        (error: unknown) => {
          for (const entry of batch) entry.reject(error);
        },
      )
      .finally(() => {
        this.inFlight = false;
        this.flush();
      });
  }

  /** The oldest records up to the limits (at least one, however big). */
  private takeBatch(): Pending[] {
    let count = 0;
    let bytes = 0;
    for (const entry of this.pending) {
      const size = sizeOf(entry.record);
      if (count > 0 && (count >= this.limits.maxRecords || bytes + size > this.limits.maxBytes)) {
        break;
      }
      count += 1;
      bytes += size;
    }
    return this.pending.splice(0, count);
  }
}

/**
 * One record per partition and run of equal headers: its value the JSON array of theirs in call
 * order, with the first one's key, their headers and their number in `dh-count` (`packedTopics`,
 * docs/adr/0024). A record that names no partition goes alone: packed with others, it would take
 * them where its key hashes to.
 */
function pack(records: ProduceRecord[]): ProduceRecord[] {
  const packs: ProduceRecord[][] = [];
  const open = new Map<number, ProduceRecord[]>();
  for (const record of records) {
    const { partition } = record;
    const current = partition === undefined ? undefined : open.get(partition);
    if (current && sameHeaders(current[0] as ProduceRecord, record)) {
      current.push(record);
      continue;
    }
    const group = [record];
    packs.push(group);
    if (partition !== undefined) open.set(partition, group);
  }
  return packs.map((group) => {
    const first = group[0] as ProduceRecord;
    return {
      key: first.key,
      partition: first.partition,
      headers: { ...first.headers, [KAFKA_HEADERS.count]: String(group.length) },
      value: `[${group.map((record) => record.value).join(',')}]`,
    };
  });
}

function sameHeaders(a: ProduceRecord, b: ProduceRecord): boolean {
  const names = Object.keys(a.headers);
  return (
    names.length === Object.keys(b.headers).length &&
    names.every((name) => a.headers[name] === b.headers[name])
  );
}
