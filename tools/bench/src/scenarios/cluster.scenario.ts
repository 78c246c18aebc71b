import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../paths';
import type { BenchContext, ScenarioResult } from './scenario.types';

/**
 * Scenario 5, cluster: scenarios 2 and 3 through 2 broker pods + 2 gateways + Redis + Kafka +
 * PostgreSQL. Needs `npm run infra:up` and the broker/gateway apps on Kafka; until they exist the
 * scenario reports itself unavailable instead of passing silently.
 */
export async function clusterScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const reason = missingClusterParts();
  ctx.log(`cluster: not available yet (${reason})`);
  return {
    scenario: 'cluster',
    loadShape: { topology: '2 broker pods + 2 gateways + Redis + Kafka + PostgreSQL' },
    systems: {},
    unavailable: [{ name: 'cluster', reason: `not available yet: ${reason}` }],
    measurements: [],
    rows: [],
    targets: [
      {
        name: 'cluster request throughput / embedded',
        target: '≥ 0.3×',
        value: null,
        met: null,
        note: 'not available yet',
      },
      {
        name: 'cluster p99 at 50% load',
        target: '≤ 50 ms',
        value: null,
        met: null,
        note: 'not available yet',
      },
    ],
    notes: [],
  };
}

function missingClusterParts(): string {
  const scripts =
    (
      JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
        scripts?: Record<string, string>;
      }
    ).scripts ?? {};
  if (!scripts['infra:up']) return 'no `npm run infra:up` script';
  if (!existsSync(join(REPO_ROOT, 'apps/gateway/src/main.ts'))) return 'no gateway app main';
  return 'the bench does not drive the cluster yet (infra:up exists: wire it in cluster.scenario.ts)';
}
