import type { IncomingMessage, ServerResponse } from 'node:http';

/** A REST error body as the reference writes it: `{"error": <status>, "message": <text>}`. */
export interface RestError {
  error: number;
  message: string;
}

/** The reference's text for a body that is not JSON. */
export const INVALID_BODY = 'Invalid request parameters';

/** The outcome of reading a request body. */
export type BodyResult =
  { ok: true; value: unknown } | { ok: false; status: number; message: string };

/**
 * Reads a JSON body of at most `limit` bytes (docs/api/rest.md, "Limits"): a longer body is
 * refused with 413 as soon as it passes the limit (a `Content-Length` over it before any byte is
 * read), and its socket closed after the answer, so memory stays bounded; an empty body is
 * `undefined`; anything that is not JSON is 400 `Invalid request parameters`, as the reference answers.
 */
export function readJsonBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const tooLarge = (size: number): BodyResult => ({
    ok: false,
    status: 413,
    message: `Request is too large: ${size} bytes, the limit is ${limit}`,
  });
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(tooLarge(declared));
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyResult) => {
      if (done) return;
      done = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        req.pause();
        finish(tooLarge(size));
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => finish({ ok: false, status: 400, message: INVALID_BODY }));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return finish({ ok: true, value: undefined });
      try {
        finish({ ok: true, value: JSON.parse(text) });
      } catch {
        finish({ ok: false, status: 400, message: INVALID_BODY });
      }
    });
  });
}

/** Writes a JSON response (or an empty one for 204). */
export function sendJson(res: ServerResponse, status: number, body?: unknown): void {
  if (res.headersSent || res.destroyed) return;
  if (status === 204 || body === undefined) {
    res.writeHead(status, { 'content-length': '0' });
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/** Writes a reference error body with its status. */
export function sendError(res: ServerResponse, status: number, message: string): void {
  const body: RestError = { error: status, message };
  sendJson(res, status, body);
}
