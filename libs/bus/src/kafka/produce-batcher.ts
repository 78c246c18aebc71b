import { DhError } from '@dh-mqtt/protocol';
import type { Message, Producer } from 'kafkajs';
import { ACKS_ALL } from './kafka-bus-options';

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
 * stays under Kafka's `max.message.bytes` whenever its records do.
 */
export class ProduceBatcher {
  private pending: Pending[] = [];
  private scheduled = false;
  private inFlight = false;

  constructor(
    private readonly producer: () => Pick<Producer, 'sendBatch'> | undefined,
    private readonly limits = { maxRecords: MAX_RECORDS, maxBytes: MAX_BYTES },
  ) {}

  /** Records waiting for the batch in flight or for the end of the turn. */
  get queued(): number {
    return this.pending.length;
  }

  send(topic: string, record: ProduceRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ topic, record, resolve, reject });
      if (!this.inFlight && !this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    });
  }

  /** Sends the next batch unless one is in flight (its completion sends the rest). */
  private flush(): void {
    if (this.inFlight || this.pending.length === 0) return;
    const batch = this.takeBatch();
    const producer = this.producer();
    if (!producer) {
      for (const entry of batch) entry.reject(new DhError('DH_ERR_BACKEND_UNAVAILABLE'));
      this.flush();
      return;
    }
    const byTopic = new Map<string, ProduceRecord[]>();
    for (const { topic, record } of batch) {
      const records = byTopic.get(topic);
      if (records) records.push(record);
      else byTopic.set(topic, [record]);
    }
    this.inFlight = true;
    producer
      .sendBatch({
        acks: ACKS_ALL,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      })
      .then(
        () => {
          for (const entry of batch) entry.resolve();
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
