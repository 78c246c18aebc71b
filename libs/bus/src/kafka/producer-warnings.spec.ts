import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../../..');

/**
 * kafkajs warns once per process, at the first producer it creates, unless the partitioner is
 * named: a fresh process shows what an operator sees at every start of a pod.
 */
function warningsOfAFreshProducer(): string[] {
  const script = `
    require(${JSON.stringify(join(ROOT, 'tools/scripts/register-ts.cjs'))});
    const { createKafkaClient, resolveOptions, PRODUCER_CONFIG } = require(${JSON.stringify(
      join(__dirname, 'kafka-bus-options.ts'),
    )});
    const lines = [];
    const logger = { error() {}, warn: (_f, m) => lines.push(m), info() {}, debug() {}, trace() {}, isLevelEnabled: () => true, child() { return logger; } };
    const opts = resolveOptions({ brokers: ['127.0.0.1:9'] }, 'warning-check');
    createKafkaClient(opts, logger).producer(PRODUCER_CONFIG);
    process.stdout.write(JSON.stringify(lines));
  `;
  const env = { ...process.env };
  delete env['KAFKAJS_NO_PARTITIONER_WARNING'];
  const run = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as string[];
}

describe('the bus producer', () => {
  it('starts without a kafkajs warning', () => {
    expect(warningsOfAFreshProducer()).toEqual([]);
  });
});
