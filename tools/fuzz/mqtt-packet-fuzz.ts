import { connectAsync } from 'mqtt';
import { ATTACKS, mutationAttack, seededRandom, type Attack, type AttackContext } from './attacks';
import type { FuzzTarget } from './raw-socket';

export { connectPacket } from './attacks';
export { connackCode, rawExchange, type FuzzTarget } from './raw-socket';

/**
 * Packet-level fuzzer (docs/reliability.md): raw TCP connections sending malformed MQTT — huge
 * remaining lengths, non-CONNECT first packets, bad protocol names and levels, invalid UTF-8 and
 * wildcards in ids, hostile topics, QoS 2 id reuse, randomly mutated valid sessions — in batches,
 * checking after each batch that the broker still serves a fresh client.
 *
 * On demand (see docs/security.md): build, start a standalone, then
 *   node dist/fuzz/tools/fuzz/mqtt-packet-fuzz.js --port 1883 --seconds 600
 */

export interface PacketFuzzOptions {
  target: FuzzTarget;
  /** Keep running batches until this many seconds have passed (at least one batch). */
  seconds: number;
  seed: number;
  /** The broker's `DH_CONNECT_TIMEOUT_MS` and `DH_MAX_PACKET_SIZE`. */
  connectTimeoutMs: number;
  maxPacketSize: number;
  /** Mutated sessions per batch. */
  mutationsPerBatch?: number;
  /** Called after each batch (liveness, memory); a throw stops the run. */
  afterBatch?: (batch: number) => Promise<void>;
}

export interface PacketFuzzReport {
  batches: number;
  /** `attack: what the broker did wrong`, each once. */
  violations: string[];
}

/** Runs every attack (in a seeded random order) plus mutated sessions, batch after batch. */
export async function runPacketFuzz(options: PacketFuzzOptions): Promise<PacketFuzzReport> {
  const random = seededRandom(options.seed);
  const context: AttackContext = { ...options, random };
  const attacks: Attack[] = [...ATTACKS, mutationAttack(options.mutationsPerBatch ?? 64)];
  const violations = new Set<string>();
  const deadline = Date.now() + options.seconds * 1_000;
  let batches = 0;
  do {
    const order = attacks
      .map((attack) => ({ attack, key: random() }))
      .sort((a, b) => a.key - b.key);
    for (const { attack } of order) {
      for (const problem of await attack.run(context)) violations.add(`${attack.name}: ${problem}`);
    }
    batches += 1;
    await options.afterBatch?.(batches);
  } while (Date.now() < deadline);
  return { batches, violations: [...violations] };
}

/**
 * A fresh MQTT.js client connects anonymously and gets a `server/info` reply; resolves with the
 * round trip in ms, rejects when the broker does not serve it within `timeoutMs`.
 */
export async function checkAlive(target: FuzzTarget, timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  const clientId = `fuzz-alive-${started}`;
  const client = await connectAsync(`mqtt://${target.host}:${target.port}`, {
    clientId,
    reconnectPeriod: 0,
    connectTimeout: timeoutMs,
  });
  try {
    await client.subscribeAsync(`dh/response/server/info@${clientId}`, { qos: 1 });
    const reply = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no server/info reply')), timeoutMs);
      client.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    await client.publishAsync('dh/request', '{"action":"server/info"}', { qos: 1 });
    await reply;
    return Date.now() - started;
  } finally {
    await client.endAsync(true);
  }
}

function option(args: string[], name: string, fallback: string): string {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && at + 1 < args.length ? args[at + 1] : fallback;
}

async function main(args: string[]): Promise<number> {
  const target = {
    host: option(args, 'host', '127.0.0.1'),
    port: Number(option(args, 'port', '1883')),
  };
  const seed = Number(option(args, 'seed', String(Date.now() % 2 ** 31)));
  process.stdout.write(`packet fuzz against ${target.host}:${target.port}, seed ${seed}\n`);
  const report = await runPacketFuzz({
    target,
    seed,
    seconds: Number(option(args, 'seconds', '60')),
    connectTimeoutMs: Number(option(args, 'connect-timeout-ms', '10000')),
    maxPacketSize: Number(option(args, 'max-packet-size', '1048576')),
    afterBatch: async (batch) => {
      const ms = await checkAlive(target);
      process.stdout.write(`batch ${batch}: alive, server/info in ${ms} ms\n`);
    },
  });
  for (const violation of report.violations) process.stdout.write(`VIOLATION ${violation}\n`);
  process.stdout.write(`${report.batches} batches, ${report.violations.length} violations\n`);
  return report.violations.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`broker failed: ${String(err)}\n`);
      process.exit(2);
    },
  );
}
