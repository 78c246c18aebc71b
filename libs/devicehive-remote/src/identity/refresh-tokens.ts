/** How long a login's refresh token waits for the `authenticate` that follows it. */
export const REFRESH_HOLD_MS = 60_000;
/** At most this many logins wait at once; the oldest is dropped first. */
export const REFRESH_HOLD_MAX = 10_000;

/**
 * The refresh tokens of recent `token` logins, by their access token (docs/adr/0014, "Token
 * carriage"): the MQTT CONNECT login is `token` then `authenticate` with the access token, and the
 * session keeps the refresh token beside it to renew the access token when it expires. Held in
 * memory for {@link REFRESH_HOLD_MS}, taken once. Secrets: never logged, never listed.
 */
export class RefreshTokens {
  private readonly held = new Map<string, { refreshToken: string; until: number }>();

  constructor(private readonly now: () => number) {}

  /** Keeps the refresh token of a `token` answer (`{accessToken, refreshToken}`). */
  remember(answer: unknown): void {
    if (typeof answer !== 'object' || answer === null) return;
    const { accessToken, refreshToken } = answer as Record<string, unknown>;
    if (typeof accessToken !== 'string' || typeof refreshToken !== 'string') return;
    const now = this.now();
    for (const [key, entry] of this.held) {
      if (entry.until > now && this.held.size < REFRESH_HOLD_MAX) break;
      this.held.delete(key);
    }
    this.held.set(accessToken, { refreshToken, until: now + REFRESH_HOLD_MS });
  }

  /** The refresh token that came with `accessToken`, once; undefined when none (or expired). */
  take(accessToken: string): string | undefined {
    const entry = this.held.get(accessToken);
    if (!entry) return undefined;
    this.held.delete(accessToken);
    return entry.until > this.now() ? entry.refreshToken : undefined;
  }
}
