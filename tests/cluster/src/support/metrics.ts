import type { PodProcess } from './pod-process';

/**
 * A counter of a pod's `/metrics`, summed over the series whose labels include `labels`
 * (`path="redis"`: `{ path: 'redis' }`).
 */
export async function podCounter(
  pod: PodProcess,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${pod.ports.http}/metrics`)).text();
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
    .filter((line) => wanted.every((pair) => line.slice(0, line.lastIndexOf(' ')).includes(pair)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/** {@link podCounter} summed over `pods`. */
export async function clusterCounter(
  pods: readonly PodProcess[],
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const counts = await Promise.all(pods.map((pod) => podCounter(pod, name, labels)));
  return counts.reduce((a, b) => a + b, 0);
}

/**
 * {@link clusterCounter} once it satisfies `done`, polling for up to `withinMs` (a gateway counts
 * a reply when Redis or Kafka acknowledges it, which may come after the client has it); the last
 * value read otherwise, for the caller's assertion to report.
 */
export async function settledCounter(
  pods: readonly PodProcess[],
  name: string,
  labels: Record<string, string>,
  done: (value: number) => boolean,
  withinMs = 5_000,
): Promise<number> {
  const until = Date.now() + withinMs;
  for (;;) {
    const value = await clusterCounter(pods, name, labels);
    if (done(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
