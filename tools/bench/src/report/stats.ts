/** Median, min and max of one metric over the rounds of a run. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** Every round's value, in round order. */
  rounds: number[];
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return {
    median: roundTo(median ?? 0),
    min: roundTo(sorted[0] ?? 0),
    max: roundTo(sorted[sorted.length - 1] ?? 0),
    rounds: values.map(roundTo),
  };
}

/**
 * Ratio of `ours` to `reference`, per round (systems measured side by side in the same round on
 * a noisy machine) and summarised as a spread. Rounds where the reference is 0 are skipped.
 */
export function ratioSpread(ours: readonly number[], reference: readonly number[]): Spread | null {
  const ratios: number[] = [];
  ours.forEach((value, i) => {
    if (reference[i]) ratios.push(value / reference[i]);
  });
  return ratios.length ? spread(ratios.map((r) => Math.round(r * 1000) / 1000)) : null;
}

function roundTo(value: number): number {
  return Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 1000) / 1000;
}
