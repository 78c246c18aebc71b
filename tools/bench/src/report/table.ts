import type { Row, ScenarioResult, TargetCheck } from '../scenarios/scenario.types';
import type { Environment } from './environment';
import type { Spread } from './stats';

/** Renders rows as a plain-text table with aligned columns (also valid Markdown). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (c ?? '').padEnd(widths[i])).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const fmt = (n: number | null | undefined, digits = 2) =>
  n === null || n === undefined ? '–' : Number.isInteger(n) ? String(n) : n.toFixed(digits);

const range = (s: Spread) => `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;

export function formatEnvironment(env: Environment): string {
  return [
    `machine: ${env.cpu}, ${env.cores} cores, ${env.memoryGiB} GiB, Linux ${env.kernel}, load ${env.loadAverageAtStart.join(' ')}`,
    `node ${env.node}; ${Object.entries(env.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(
        ', ',
      )}; commit ${env.commit}; ulimit -n ${env.openFilesLimit}; request generators on ${env.generator === 'mqtt.js' ? 'MQTT.js' : 'the lean client (tools/bench/src/load/lean-mqtt.ts)'}`,
  ].join('\n');
}

function rowCells(row: Row): string[] {
  const push =
    row.pushP50 !== undefined
      ? `${fmt(row.pushP50)} / ${fmt(row.pushP99)} (loss ${row.pushLoss})`
      : '';
  return [
    row.variant,
    row.system,
    range(row.perSec),
    fmt(row.p50),
    fmt(row.p99),
    String(row.loss),
    String(row.errors),
    fmt(row.cpuUsPerMsg),
    push,
  ];
}

function targetCells(t: TargetCheck): string[] {
  const verdict = t.met === null ? 'n/a' : t.met ? 'met' : 'MISSED';
  return [
    t.name,
    t.target,
    t.value ? range(t.value) : '–',
    t.value ? t.value.rounds.map((v) => fmt(v)).join(' ') : '–',
    verdict + (t.note ? ` (${t.note})` : ''),
  ];
}

/** The printed report of one scenario: load shape, systems, rows, targets, notes. */
export function formatScenario(result: ScenarioResult): string {
  const lines = [`\n## ${result.scenario}`];
  lines.push(
    Object.entries(result.loadShape)
      .map(([k, v]) => `${k}: ${v}`)
      .join('; '),
  );
  for (const [name, s] of Object.entries(result.systems)) {
    const settings = Object.entries(s.settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    lines.push(`- ${name} ${s.version}: ${settings}`);
  }
  for (const u of result.unavailable) lines.push(`- ${u.name}: UNAVAILABLE — ${u.reason}`);
  if (result.rows.length) {
    lines.push(
      table(
        [
          'variant',
          'system',
          '/s median (min–max)',
          'p50 ms',
          'p99 ms',
          'loss',
          'errors',
          'broker CPU µs/msg',
          'push p50/p99 ms',
        ],
        result.rows.map(rowCells),
      ),
    );
  }
  if (result.targets.length) {
    lines.push(
      table(
        ['target', 'wanted', 'median (min–max)', 'per round', 'verdict'],
        result.targets.map(targetCells),
      ),
    );
  }
  for (const row of result.rows)
    if (row.note) lines.push(`- ${row.variant} / ${row.system}: ${row.note}`);
  for (const note of result.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}
