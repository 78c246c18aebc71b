import { randomInt } from 'node:crypto';
import type { ICustomPartitioner } from 'kafkajs';

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/**
 * MurmurHash2, 32 bits, seed `0x9747b28c`, of the key's UTF-8 bytes: the hash Kafka's Java
 * client puts record keys through to pick their partition. Plain 32-bit integer arithmetic
 * (`Math.imul`); kafkajs' own copy does it with its 64-bit `Long` emulation, ~2.5 µs a record
 * (docs/performance.md §5).
 */
export function murmur2(key: Buffer | string): number {
  const data = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  const length = data.length;
  let h = SEED ^ length;
  const whole = length - (length % 4);
  for (let i = 0; i < whole; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length % 4;
  if (rest === 3) h ^= data[whole + 2] << 16;
  if (rest >= 2) h ^= data[whole + 1] << 8;
  if (rest >= 1) h = Math.imul(h ^ data[whole], M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h;
}

/**
 * The bus producers' partitioner: the record's own `partition` when it names one (the request
 * topic, docs/adr/0024); else the partition of its key, `murmur2(key) & 0x7fffffff` modulo the
 * partition count, as the Java client and kafkajs' default partitioner map keys; else round
 * robin over the partitions that have a leader. The same mapping as `Partitioners.
 * DefaultPartitioner`, without its per-record `Long` arithmetic and array filtering.
 */
export const KeyHashPartitioner: ICustomPartitioner = () => {
  const counters = new Map<string, number>();
  return ({ topic, partitionMetadata, message }) => {
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    const partitions = partitionMetadata.length;
    if (message.key !== null && message.key !== undefined) {
      return (murmur2(message.key) & 0x7fffffff) % partitions;
    }
    const next = ((counters.get(topic) ?? randomInt(2 ** 31)) + 1) & 0x7fffffff;
    counters.set(topic, next);
    const led = partitionMetadata.filter((p) => p.leader >= 0);
    return led.length > 0
      ? (led[next % led.length] as (typeof led)[number]).partitionId
      : next % partitions;
  };
};
