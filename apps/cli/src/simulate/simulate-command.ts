import type { CliIo } from '../cli';
import type { LatencySummary } from './latency-recorder';
import { parseSimulateOptions, SIMULATE_USAGE, UsageError } from './simulate-options';
import { runSimulation, type SimulationProgress, type SimulationSummary } from './simulation';

const ms = (value: number | null): string => (value === null ? '–' : `${value} ms`);

function progressLine(p: SimulationProgress): string {
  const seconds = Math.round(p.elapsedMs / 1_000);
  const n = p.notifications;
  const c = p.commands;
  return (
    `[${String(seconds).padStart(4)}s] devices ${p.devices.registered}/${p.devices.requested}` +
    `  notifications ${n.acknowledged}/${n.sent} acked${n.failed ? ` ${n.failed} failed` : ''}` +
    ` p50 ${ms(n.p50)}  commands ${c.updatesReceived}/${c.sent} answered\n`
  );
}

function latencyLine(label: string, l: LatencySummary): string {
  return `  ${label.padEnd(22)} p50 ${ms(l.p50)}  p90 ${ms(l.p90)}  p99 ${ms(l.p99)}  max ${ms(l.max)}\n`;
}

/** The summary as the table a person reads. */
export function formatSummary(s: SimulationSummary): string {
  const n = s.notifications;
  const c = s.commands;
  return (
    `simulation: ${(s.elapsedMs / 1_000).toFixed(1)} s\n` +
    `  devices registered     ${s.devices.registered}/${s.devices.requested}` +
    `${s.devices.failed ? ` (${s.devices.failed} failed)` : ''}\n` +
    `  notifications          ${n.sent} sent, ${n.acknowledged} acknowledged, ${n.failed} failed\n` +
    `  commands               ${c.sent} sent, ${c.delivered} delivered, ${c.answered} answered by devices, ` +
    `${c.updatesReceived} updates received, ${c.failed} failed\n` +
    latencyLine('notification latency', n.latencyMs) +
    latencyLine('command round trip', c.latencyMs)
  );
}

/**
 * `dh-mqtt simulate [options]`: progress on stderr every second, the summary on stdout (JSON with
 * `--json`). Exit 0 when every device registered and everything sent was answered, else 1.
 */
export async function runSimulateCommand(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(SIMULATE_USAGE);
    return 0;
  }
  let options;
  try {
    options = parseSimulateOptions(argv, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`dh-mqtt simulate: ${error.message}\n\n${SIMULATE_USAGE}`);
    return 2;
  }
  try {
    const summary = await runSimulation(options, (p) => io.stderr.write(progressLine(p)));
    io.stdout.write(options.json ? `${JSON.stringify(summary)}\n` : formatSummary(summary));
    const n = summary.notifications;
    const c = summary.commands;
    const complete =
      !summary.devices.failed && n.acknowledged === n.sent && c.updatesReceived === c.sent;
    return complete ? 0 : 1;
  } catch (error) {
    io.stderr.write(`dh-mqtt simulate: ${(error as Error).message}\n`);
    return 1;
  }
}
