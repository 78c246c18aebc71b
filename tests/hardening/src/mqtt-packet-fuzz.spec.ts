import { DEFAULTS } from '@dh-mqtt/runtime';
// tools/fuzz is a folder of scripts (run on demand over dist), not an Nx project with an alias.
// eslint-disable-next-line @nx/enforce-module-boundaries
import {
  checkAlive,
  connackCode,
  connectPacket,
  rawExchange,
  runPacketFuzz,
  type PacketFuzzReport,
} from '../../../tools/fuzz/mqtt-packet-fuzz';
import {
  spawnStandalone,
  type EmbeddedStandalone,
  type ProbeReport,
} from './support/embedded-standalone';

// CI budget: about 12 s of batches. `DH_FUZZ_SECONDS=600` for a long run, `DH_FUZZ_SEED` to replay.
const SECONDS = Number(process.env['DH_FUZZ_SECONDS'] ?? 12);
const SEED = Number(process.env['DH_FUZZ_SEED'] ?? Date.now() % 2 ** 31);
const CONNECT_TIMEOUT_MS = 1_000;
const MiB = 1024 * 1024;

jest.setTimeout(60_000 + SECONDS * 2_000);

describe('malformed MQTT packets against the running standalone', () => {
  let app: EmbeddedStandalone;
  let report: PacketFuzzReport;
  const afterBatches: { batch: number; aliveMs: number; probe: ProbeReport }[] = [];
  let baseline: ProbeReport;

  beforeAll(async () => {
    app = await spawnStandalone({
      env: { DH_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS) },
      maxLogChars: 5_000_000,
    });
    const target = { host: '127.0.0.1', port: app.ports.mqtt };
    await checkAlive(target);
    baseline = await app.probe();
    report = await runPacketFuzz({
      target,
      seed: SEED,
      seconds: SECONDS,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      maxPacketSize: DEFAULTS.maxPacketSize,
      afterBatch: async (batch) => {
        const aliveMs = await checkAlive(target);
        afterBatches.push({ batch, aliveMs, probe: await app.probe() });
      },
    });
    console.log(`packet fuzz: seed ${SEED}, ${report.batches} batches`);
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('accepts a well-formed CONNECT on a raw socket (so the refusals below mean something)', async () => {
    const outcome = await rawExchange(
      { host: '127.0.0.1', port: app.ports.mqtt },
      { chunks: [connectPacket('fz-control')], waitMs: 5_000, untilConnack: true },
    );
    expect(connackCode(outcome)).toBe(0);
  });

  it('refuses or closes every malformed connection as docs/reliability.md requires', () => {
    expect(report.violations).toEqual([]);
  });

  it('serves a fresh client after every batch', () => {
    expect(afterBatches.map(({ batch }) => batch)).toEqual(
      Array.from({ length: report.batches }, (_, i) => i + 1),
    );
    expect(Math.max(...afterBatches.map(({ aliveMs }) => aliveMs))).toBeLessThan(5_000);
    expect(app.exited()).toBeNull();
  });

  it('holds no memory for the connections it has closed', () => {
    const last = afterBatches[afterBatches.length - 1].probe;
    expect(last.memory.heapUsed - baseline.memory.heapUsed).toBeLessThan(32 * MiB);
    expect(last.memory.rss - baseline.memory.rss).toBeLessThan(256 * MiB);
  });
});
