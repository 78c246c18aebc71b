/** A compiled path template: literal segments and `{name}` parameters. */
export interface PathPattern {
  readonly template: string;
  readonly segments: readonly string[];
}

export function compilePath(template: string): PathPattern {
  return { template, segments: template.split('/').slice(1) };
}

/**
 * The decoded parameters of `path` when it matches `pattern`, else null. A parameter is one whole
 * segment; a segment that does not percent-decode never matches.
 */
export function matchPath(
  pattern: PathPattern,
  segments: readonly string[],
): Record<string, string> | null {
  if (segments.length !== pattern.segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const want = pattern.segments[i] as string;
    const got = segments[i] as string;
    if (want.startsWith('{')) {
      if (got === '') return null;
      try {
        params[want.slice(1, -1)] = decodeURIComponent(got);
      } catch {
        return null;
      }
    } else if (want !== got) {
      return null;
    }
  }
  return params;
}
