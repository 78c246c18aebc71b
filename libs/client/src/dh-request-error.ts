/**
 * An error reply (docs/api/README.md "Error codes"): `code` is the HTTP-like status (400, 401,
 * 403, 404, 409, 413, 429, 500, 503) and `message` the server's exact text, which never changes.
 */
export class DhRequestError extends Error {
  override readonly name = 'DhRequestError';

  constructor(
    /** The action the request named (null when the server could not read one). */
    readonly action: string | null,
    /** The status code of the reply. */
    readonly code: number,
    message: string,
    /** The request's `requestId`. */
    readonly requestId: unknown,
  ) {
    super(message);
  }

  /** Always `'error'`, as on the wire. */
  get status(): 'error' {
    return 'error';
  }
}

/** No reply within the request timeout (the server, or the connection to it, is gone). */
export class DhTimeoutError extends Error {
  override readonly name = 'DhTimeoutError';

  constructor(
    readonly action: string,
    readonly timeoutMs: number,
  ) {
    super(`No reply to ${action} within ${timeoutMs} ms`);
  }
}

/** The client was closed before the reply came. */
export class DhClosedError extends Error {
  override readonly name = 'DhClosedError';

  constructor(readonly action: string) {
    super(`The client was closed before the reply to ${action}`);
  }
}
