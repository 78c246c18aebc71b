/**
 * The unique strings the proof plants in requests: each is owned by one connection (request ids,
 * a login) or by nobody (passwords, tokens). A received message that contains a string owned by
 * another connection, or one owned by nobody, is a leak (docs/topics/request.md,
 * docs/reliability.md, docs/security.md).
 */
export class AclMarkers {
  private readonly owners = new Map<string, string>();
  private readonly secrets: string[] = [];
  private seq = 0;

  constructor(private readonly runId: string) {}

  /** A fresh marker owned by `clientId`; the `Z` end keeps one from being a prefix of another. */
  owned(clientId: string, prefix = 'R'): string {
    const marker = `${prefix}${this.runId}x${++this.seq}Z`;
    this.owners.set(marker, clientId);
    return marker;
  }

  /** A fresh marker nobody may ever receive. */
  secret(prefix = 'P'): string {
    const marker = `${prefix}${this.runId}x${++this.seq}Z`;
    this.secrets.push(marker);
    return marker;
  }

  /** Registers an existing secret (an issued token). */
  addSecret(text: string): void {
    this.secrets.push(text);
  }

  ownerOf(marker: string): string | undefined {
    return this.owners.get(marker);
  }

  /** Every planted string in `text` that `clientId` may not read. */
  leaksIn(text: string, clientId: string): string[] {
    const leaks = this.secrets.filter((secret) => text.includes(secret));
    for (const [marker, owner] of this.owners) {
      if (owner !== clientId && text.includes(marker)) leaks.push(marker);
    }
    return leaks;
  }

  /** Markers owned by `clientId` (each expects exactly one reply there). */
  ownedBy(clientId: string): string[] {
    return [...this.owners].filter(([, owner]) => owner === clientId).map(([marker]) => marker);
  }
}
