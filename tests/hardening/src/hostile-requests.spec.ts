import { ACTION_NAMES } from '@dh-mqtt/protocol';
import { DEFAULTS } from '@dh-mqtt/runtime';
import fc from 'fast-check';
import {
  spawnStandalone,
  type EmbeddedStandalone,
  type ProbeReport,
} from './support/embedded-standalone';
import { ANY_REQUEST_ID, Payload, expectedReply, hostilePayload } from './support/hostile-requests';
import {
  BOOTSTRAP_ADMIN,
  Bystander,
  ReplyCollector,
  connectClient,
  type BystanderReport,
  type ReceivedReply,
} from './support/mqtt-clients';

// CI budget: about 2,000 requests in well under a minute. `DH_FUZZ_RUNS=2000` for a long run.
const RUNS = Number(process.env['DH_FUZZ_RUNS'] ?? 60);
// Replays a reported failure: `DH_FUZZ_SEED=<seed>` with the same DH_FUZZ_RUNS.
const SEED = process.env['DH_FUZZ_SEED'] ? Number(process.env['DH_FUZZ_SEED']) : undefined;
const MAX_BATCH = 40;
const MiB = 1024 * 1024;

jest.setTimeout(60_000 + RUNS * 2_000);

/** What the campaign left behind, asserted one aspect per test below. */
interface Campaign {
  property: fc.RunDetails<[Payload[]]>;
  requests: number;
  serverErrors: Map<string, string>;
  bystander: BystanderReport;
  before: ProbeReport;
  after: ProbeReport;
}

/** Differences between the replies a batch got and the one reply per payload it must get. */
function mismatches(
  clientId: string,
  payloads: readonly Payload[],
  replies: ReceivedReply[],
): string[] {
  const problems: string[] = [];
  if (replies.length !== payloads.length) {
    problems.push(`${payloads.length} requests, ${replies.length} replies`);
  }
  payloads.forEach(({ bytes: payload }, i) => {
    const expected = expectedReply(payload, clientId, DEFAULTS.maxRequestSize);
    const reply = replies[i];
    const what = `request ${i} (${payload.toString('utf8').slice(0, 80)})`;
    if (!reply) return;
    if (reply.topic !== expected.topic) {
      problems.push(
        `${what}: reply on ${reply.topic.slice(0, 80)}, expected ${expected.topic.slice(0, 80)}`,
      );
    } else if (reply.body === null) {
      problems.push(`${what}: reply is not a JSON object`);
    } else if (expected.action !== null && reply.body['action'] !== expected.action) {
      problems.push(`${what}: reply echoes action ${String(reply.body['action']).slice(0, 80)}`);
    } else if (
      expected.requestIdJson !== undefined &&
      expected.requestIdJson !== ANY_REQUEST_ID &&
      JSON.stringify(reply.body['requestId']) !== expected.requestIdJson
    ) {
      problems.push(`${what}: requestId not echoed`);
    }
  });
  return problems;
}

/** The first failing batch's problems and how to replay it; short enough to read in CI. */
function failureSummary(details: fc.RunDetails<[Payload[]]>): string {
  if (!details.failed) return 'all batches answered';
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : '';
  const batch = (details.counterexample?.[0] ?? []).map((payload) => fc.stringify(payload));
  return [
    error,
    ...batch,
    `replay: { seed: ${details.seed}, path: "${details.counterexamplePath}" }`,
  ].join('\n');
}

describe('hostile dh/request payloads against the running standalone', () => {
  let app: EmbeddedStandalone;
  let campaign: Campaign;

  beforeAll(async () => {
    app = await spawnStandalone({ maxLogChars: 5_000_000 });
    const fuzzer = await ReplyCollector.connect(app.mqttUrl, 'fuzz-requests', BOOTSTRAP_ADMIN);
    try {
      // Warm every handler once, so the heap baseline includes lazily built state.
      await fuzzer.exchange(ACTION_NAMES.map((action) => Buffer.from(JSON.stringify({ action }))));
      const before = await app.probe();
      const bystander = await Bystander.start(app.mqttUrl, 'fuzz-bystander');
      const serverErrors = new Map<string, string>();
      let requests = 0;
      const property = await fc.check(
        fc.asyncProperty(
          fc.array(hostilePayload, { minLength: 1, maxLength: MAX_BATCH }),
          async (payloads) => {
            requests += payloads.length;
            const replies = await fuzzer.exchange(payloads.map((payload) => payload.bytes));
            for (const reply of replies) {
              if (reply.body?.['code'] === 500) {
                serverErrors.set(
                  `${String(reply.body['action'])}: ${String(reply.body['error'])}`,
                  reply.text.slice(0, 300),
                );
              }
            }
            const problems = mismatches(fuzzer.clientId, payloads, replies);
            if (problems.length > 0) throw new Error(problems.join('\n'));
          },
        ),
        { numRuns: RUNS, endOnFailure: true, ...(SEED === undefined ? {} : { seed: SEED }) },
      );
      const report = await bystander.stop();
      campaign = {
        property,
        requests,
        serverErrors,
        bystander: report,
        before,
        after: await app.probe(),
      };
    } finally {
      await fuzzer.close();
    }
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('sends every request exactly one reply, on its action’s topic, echoing the requestId', () => {
    expect(failureSummary(campaign.property)).toBe('all batches answered');
  });

  it('never answers with a 500', () => {
    expect([...campaign.serverErrors.values()]).toEqual([]);
  });

  it('stays up and keeps serving new clients', async () => {
    expect(app.exited()).toBeNull();
    const client = await connectClient(app.mqttUrl, 'fuzz-after');
    try {
      await client.subscribeAsync('dh/response/server/info@fuzz-after', { qos: 1 });
      const reply = new Promise<string>((resolve) =>
        client.once('message', (_topic, payload) => resolve(payload.toString('utf8'))),
      );
      await client.publishAsync('dh/request', '{"action":"server/info","requestId":"after"}');
      expect(JSON.parse(await reply)).toMatchObject({ requestId: 'after', status: 'success' });
    } finally {
      await client.endAsync(true);
    }
  });

  it('keeps answering a bystander within bounded latency throughout', () => {
    const { sent, answered, maxLatencyMs } = campaign.bystander;
    expect(sent).toBeGreaterThan(0);
    expect(answered).toBe(sent);
    expect(maxLatencyMs).toBeLessThan(3_000);
  });

  it('holds no memory for the requests it has answered', () => {
    const { before, after } = campaign;
    expect(after.gc).toBe(true);
    expect(after.memory.heapUsed - before.memory.heapUsed).toBeLessThan(32 * MiB);
    expect(after.memory.rss - before.memory.rss).toBeLessThan(256 * MiB);
  });

  it('leaves the built-in prototypes untouched', () => {
    expect(campaign.after.prototypeChanges).toEqual([]);
  });
});
