/** Buckets per natural-log unit: 2 % wide, so a percentile is within ±1 % of the true value. */
const SCALE = 50;

/** A mergeable latency histogram in the JSON form workers send back to the orchestrator. */
export interface HistogramData {
  /** bucket index → count; values are microseconds. */
  buckets: Record<string, number>;
  count: number;
  maxUs: number;
}

/**
 * Log-bucketed latency histogram: constant memory whatever the message count, and mergeable
 * across worker processes (percentiles of merged samples, not averages of percentiles).
 */
export class Histogram {
  private readonly buckets = new Map<number, number>();
  private count = 0;
  private maxUs = 0;

  /** Records one latency in milliseconds (clamped at 1 µs). */
  recordMs(ms: number): void {
    const us = Math.max(1, ms * 1000);
    const index = Math.floor(Math.log(us) * SCALE);
    this.buckets.set(index, (this.buckets.get(index) ?? 0) + 1);
    this.count += 1;
    if (us > this.maxUs) this.maxUs = us;
  }

  reset(): void {
    this.buckets.clear();
    this.count = 0;
    this.maxUs = 0;
  }

  toJSON(): HistogramData {
    return { buckets: Object.fromEntries(this.buckets), count: this.count, maxUs: this.maxUs };
  }
}

/** Sums histograms of several workers. */
export function mergeHistograms(parts: readonly HistogramData[]): HistogramData {
  const buckets: Record<string, number> = {};
  let count = 0;
  let maxUs = 0;
  for (const part of parts) {
    for (const [index, n] of Object.entries(part.buckets))
      buckets[index] = (buckets[index] ?? 0) + n;
    count += part.count;
    maxUs = Math.max(maxUs, part.maxUs);
  }
  return { buckets, count, maxUs };
}

/** Latency percentiles in milliseconds, `null` when nothing was recorded. */
export interface Percentiles {
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

export function percentiles(data: HistogramData): Percentiles {
  return {
    p50: percentile(data, 0.5),
    p90: percentile(data, 0.9),
    p99: percentile(data, 0.99),
    max: data.count ? round(data.maxUs / 1000) : null,
  };
}

function percentile(data: HistogramData, q: number): number | null {
  if (!data.count) return null;
  const rank = Math.ceil(q * data.count);
  const sorted = Object.entries(data.buckets)
    .map(([index, n]) => [Number(index), n] as const)
    .sort((a, b) => a[0] - b[0]);
  let seen = 0;
  for (const [index, n] of sorted) {
    seen += n;
    if (seen >= rank) return round(Math.min(Math.exp((index + 0.5) / SCALE), data.maxUs) / 1000);
  }
  return round(data.maxUs / 1000);
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
