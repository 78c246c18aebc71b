/** Environment variables as Node gives them. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * A configuration error: names the variable and says what is wrong with its value, without
 * echoing the value (it may be a secret).
 */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

/**
 * Typed readers over one environment snapshot. An unset or empty variable takes the default; a
 * set one must parse or the reader throws a {@link ConfigError} naming it.
 */
export class EnvReader {
  constructor(private readonly env: Env) {}

  /** The raw value, or undefined when unset or blank. */
  raw(name: string): string | undefined {
    const value = this.env[name];
    return value == null || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optionalString(name: string): string | undefined {
    return this.raw(name);
  }

  /** A secret: read verbatim (only surrounding blanks removed), never put in an error message. */
  optionalSecret(name: string): string | undefined {
    return this.raw(name);
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const text = this.raw(name);
    if (text === undefined) return fallback;
    if (!/^-?\d+$/.test(text)) throw new ConfigError(name, 'must be an integer');
    const value = Number(text);
    if (value < min || value > max) {
      throw new ConfigError(name, `must be between ${min} and ${max}`);
    }
    return value;
  }

  /** A TCP port; 0 asks the OS for a free one (tests). */
  port(name: string, fallback: number): number {
    return this.integer(name, fallback, 0, 65_535);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const text = this.raw(name);
    if (text === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(text)) {
      throw new ConfigError(name, `must be one of ${allowed.join(', ')}`);
    }
    return text as T;
  }

  /** `true` or `false`, nothing else (a typo must not flip a security switch silently). */
  boolean(name: string, fallback: boolean): boolean {
    return this.oneOf(name, ['true', 'false'], String(fallback) as 'true' | 'false') === 'true';
  }

  /** A URL with one of the given schemes; the message never echoes it (it may hold a password). */
  optionalUrl(name: string, schemes: readonly string[]): string | undefined {
    const text = this.raw(name);
    if (text === undefined) return undefined;
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new ConfigError(name, 'must be a URL');
    }
    const scheme = url.protocol.replace(/:$/, '');
    if (!schemes.includes(scheme)) {
      throw new ConfigError(name, `must be a URL with scheme ${schemes.join(' or ')}`);
    }
    return text;
  }

  /** Comma-separated `host:port` list; undefined when unset. */
  optionalHostPortList(name: string): string[] | undefined {
    const text = this.raw(name);
    if (text === undefined) return undefined;
    const items = text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    for (const item of items) {
      const match = /^(.+):(\d{1,5})$/.exec(item);
      if (!match || Number(match[2]) > 65_535) {
        throw new ConfigError(name, 'must be a comma-separated list of host:port');
      }
    }
    if (items.length === 0) throw new ConfigError(name, 'must list at least one host:port');
    return items;
  }

  /** An URL path starting with `/`. */
  path(name: string, fallback: string): string {
    const text = this.raw(name);
    if (text === undefined) return fallback;
    if (!text.startsWith('/') || /\s/.test(text)) {
      throw new ConfigError(name, "must be a path starting with '/'");
    }
    return text;
  }
}
