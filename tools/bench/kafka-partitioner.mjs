// What picking a record's partition from its key costs, per record: kafkajs' default partitioner
// (murmur2 in its 64-bit Long emulation, and a filtered copy of the partition list per record)
// against the bus's KeyHashPartitioner (the same mapping in 32-bit integer arithmetic).
// Run: node tools/bench/kafka-partitioner.mjs [records]
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { builtCore, require, root } from './built-core.mjs';

builtCore();
const { Partitioners } = require('kafkajs');
const { KeyHashPartitioner } = require(join(root, 'dist/bench/libs/bus/src/kafka/key-partitioner'));

const records = Number(process.argv[2] ?? 200_000);
const partitionMetadata = Array.from({ length: 12 }, (_, partitionId) => ({
  partitionId,
  leader: 0,
  partitionErrorCode: 0,
  replicas: [0],
  isr: [0],
}));
// Device ids, the events' keys.
const keys = Array.from({ length: records }, () => randomUUID());

console.log(`${records} records keyed by device id, 12 partitions`);
for (const [name, create] of [
  ['kafkajs DefaultPartitioner', Partitioners.DefaultPartitioner],
  ['KeyHashPartitioner', KeyHashPartitioner],
  ['kafkajs DefaultPartitioner', Partitioners.DefaultPartitioner],
  ['KeyHashPartitioner', KeyHashPartitioner],
]) {
  const partitioner = create();
  const started = performance.now();
  for (const key of keys) {
    partitioner({ topic: 'dh.events.v1', partitionMetadata, message: { key, value: null } });
  }
  const us = ((performance.now() - started) * 1000) / records;
  console.log(`${name.padEnd(28)} ${us.toFixed(2)} µs per record`);
}
