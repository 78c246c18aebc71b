import type { PodInfo } from '../systems/cluster.system';

/** A counter by name, optionally only its series carrying one label pair (`path="redis"`). */
export type CounterRef = string | { name: string; label: string };

/** Sums a counter over its label sets (those with `ref.label`) in a Prometheus text exposition. */
export function counterOf(text: string, ref: CounterRef): number {
  const { name, label } = typeof ref === 'string' ? { name: ref, label: undefined } : ref;
  let total = 0;
  for (const line of text.split('\n')) {
    const series = line.startsWith(`${name} `) || line.startsWith(`${name}{`);
    if (!series) continue;
    if (label !== undefined && !line.slice(0, line.indexOf('}') + 1).includes(label)) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
  }
  return total;
}

/** The counters `names` (each summed over its label sets) of one pod's `/metrics`. */
export async function scrapeCounters<K extends string>(
  pod: PodInfo,
  names: Readonly<Record<K, CounterRef>>,
): Promise<Record<K, number>> {
  const text = await fetch(pod.metricsUrl, { signal: AbortSignal.timeout(5_000) }).then((r) =>
    r.text(),
  );
  const counts = {} as Record<K, number>;
  for (const key of Object.keys(names) as K[]) counts[key] = counterOf(text, names[key]);
  return counts;
}
