/** A readiness probe: resolves true when the dependency answers. Rejections count as not ready. */
export type ReadinessCheck = () => Promise<boolean> | boolean;

export interface CheckResult {
  name: string;
  ok: boolean;
}

/** Readiness checks registered by the parts of a process (database, bus, broker). */
export class HealthChecks {
  private readonly checks = new Map<string, ReadinessCheck>();

  /** Registers (or replaces) a named check. */
  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  /**
   * Runs every check concurrently, each bounded by `timeoutMs` (a hung dependency is not ready).
   */
  async run(timeoutMs = 2_000): Promise<{ ready: boolean; checks: CheckResult[] }> {
    const results = await Promise.all(
      [...this.checks].map(async ([name, check]) => ({
        name,
        ok: await withTimeout(check, timeoutMs),
      })),
    );
    return { ready: results.every((result) => result.ok), checks: results };
  }
}

async function withTimeout(check: ReadinessCheck, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([
      Promise.resolve()
        .then(check)
        .then((ok) => ok === true),
      timeout,
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
