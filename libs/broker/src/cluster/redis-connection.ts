/** Capped exponential backoff, in ms. */
export interface Backoff {
  initialMs: number;
  maxMs: number;
}

/** The wait before reconnect attempt `attempt` (1-based): initial, doubled each time, capped. */
export function backoffDelay(backoff: Backoff, attempt: number): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** exponent);
}

/** The URL without its password, for log lines (docs/design.md: secrets never logged). */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
