// What kafkajs 2.2.4 costs to encode a produce request of request envelopes, per request:
// one record per request (with and without headers) against one record carrying them all as a
// JSON array (docs/adr/0024). Run: node tools/bench/kafka-produce-encoding.mjs [requests]
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { builtCore, require, root } from './built-core.mjs';

// kafkajs exports no encoder: its produce request module is loaded by path.
const produceRequest = require('kafkajs/src/protocol/requests/produce/v3/request');

const count = Number(process.argv[2] ?? 32);
const rounds = 2000;
// An administrator's permissions, as the product lists them (built into dist/bench first).
builtCore();
const { ALL_PERMISSIONS: permissions } = require(
  join(root, 'dist/bench/libs/protocol/src/principal/permissions'),
);
// An administrator's envelope, as a broker pod sends it for `server/info`.
const envelope = (i) => ({
  v: 1,
  id: randomUUID(),
  clientId: `bench-client-${i}`,
  brokerId: 'dh-broker-0',
  principal: {
    userId: 1,
    login: 'dhadmin',
    role: 0,
    permissions,
    networkIds: '*',
    deviceTypeIds: '*',
    userNetworkIds: '*',
    userDeviceTypeIds: '*',
  },
  request: { action: 'server/info', requestId: i },
  deadline: Date.now() + 10_000,
});
const headers = { 'dh-schema': '1', 'dh-broker-id': 'dh-broker-0', 'dh-reply-partition': '3' };

async function encode(messages) {
  const request = produceRequest({
    acks: -1,
    timeout: 30_000,
    topicData: [{ topic: 'dh.requests.v2', partitions: [{ partition: 0, messages }] }],
  });
  return (await request.encode()).buffer;
}

const variants = {
  'JSON.stringify only': async () => {
    for (let i = 0; i < count; i++) JSON.stringify(envelope(i));
  },
  'one record per request, 3 headers': () =>
    encode(
      Array.from({ length: count }, (_, i) => ({
        key: `bench-client-${i}`,
        value: JSON.stringify(envelope(i)),
        headers,
      })),
    ),
  'one record per request, no headers': () =>
    encode(
      Array.from({ length: count }, (_, i) => ({
        key: `bench-client-${i}`,
        value: JSON.stringify(envelope(i)),
      })),
    ),
  'one record for all, a JSON array': () => {
    const values = Array.from({ length: count }, (_, i) => JSON.stringify(envelope(i)));
    return encode([
      {
        key: 'bench-client-0',
        value: `[${values.join(',')}]`,
        headers: { ...headers, 'dh-count': String(count) },
      },
    ]);
  },
};

{
  console.log(
    `kafkajs produce request encoding, ${count} envelopes of ` +
      `${JSON.stringify(envelope(0)).length} bytes, ${rounds} rounds`,
  );
  for (const [name, run] of Object.entries(variants)) {
    for (let i = 0; i < 200; i++) await run();
    const started = performance.now();
    for (let i = 0; i < rounds; i++) await run();
    const us = ((performance.now() - started) * 1000) / rounds / count;
    console.log(`${name.padEnd(36)} ${us.toFixed(2)} µs per request`);
  }
}
