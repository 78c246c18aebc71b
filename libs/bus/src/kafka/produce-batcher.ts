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
 * Records sent in one event-loop turn go to Kafka as one `sendBatch` (one produce request per
 * Kafka broker) instead of one `send` each: a profile of the cluster spent 50–60 % of every pod's
 * CPU on per-record socket writes and encoding (docs/performance.md). Each `send` resolves when
 * its batch is acknowledged (`acks=all`) and rejects when the batch fails, so a caller sees what
 * it saw with its own `send`. Order: records keep their call order within a batch, and the
 * idempotent producer (`maxInFlightRequests: 1`) writes batches in call order, so records of one
 * key reach their partition in the order they were sent. A batch is cut at {@link MAX_RECORDS}
 * records or about {@link MAX_BYTES} bytes, so one big record (a long list reply) goes alone and
 * a batch stays under Kafka's `max.message.bytes` whenever its records do.
 */
export class ProduceBatcher {
  private pending: Pending[] = [];
  private pendingBytes = 0;
  private scheduled = false;

  constructor(
    private readonly producer: () => Pick<Producer, 'sendBatch'> | undefined,
    private readonly limits = { maxRecords: MAX_RECORDS, maxBytes: MAX_BYTES },
  ) {}

  send(topic: string, record: ProduceRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const bytes = sizeOf(record);
      if (this.pending.length > 0 && this.pendingBytes + bytes > this.limits.maxBytes) {
        this.flush();
      }
      this.pending.push({ topic, record, resolve, reject });
      this.pendingBytes += bytes;
      if (
        this.pending.length >= this.limits.maxRecords ||
        this.pendingBytes >= this.limits.maxBytes
      ) {
        this.flush();
      } else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    });
  }

  private flush(): void {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    this.pendingBytes = 0;
    const producer = this.producer();
    if (!producer) {
      for (const entry of batch) entry.reject(new DhError('DH_ERR_BACKEND_UNAVAILABLE'));
      return;
    }
    const byTopic = new Map<string, ProduceRecord[]>();
    for (const { topic, record } of batch) {
      const records = byTopic.get(topic);
      if (records) records.push(record);
      else byTopic.set(topic, [record]);
    }
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
      );
  }
}
