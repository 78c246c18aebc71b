import type { PodInfo } from '../systems/cluster.system';

/** Sums a counter over its label sets in a Prometheus text exposition. */
export function counterOf(text: string, name: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) {
      total += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
    }
  }
  return total;
}

/** The counters `names` (each summed over its label sets) of one pod's `/metrics`. */
export async function scrapeCounters<K extends string>(
  pod: PodInfo,
  names: Readonly<Record<K, string>>,
): Promise<Record<K, number>> {
  const text = await fetch(pod.metricsUrl, { signal: AbortSignal.timeout(5_000) }).then((r) =>
    r.text(),
  );
  const counts = {} as Record<K, number>;
  for (const key of Object.keys(names) as K[]) counts[key] = counterOf(text, names[key]);
  return counts;
}
