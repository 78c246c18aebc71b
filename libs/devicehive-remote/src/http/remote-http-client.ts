import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { DhError } from '@dh-mqtt/protocol';

/** One call to the remote server. */
export interface RemoteCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Absolute URL, query included. */
  url: string;
  /** Sent as the JSON body when defined. */
  body?: unknown;
  /** `Authorization: Bearer <token>` when given. A secret: never logged. */
  bearer?: string;
}

/** What the server answered: the status and the parsed JSON body (undefined when empty). */
export interface RemoteResponse {
  status: number;
  body: unknown;
}

export interface RemoteHttpOptions {
  /** Bound of each call, in ms: connect, send, the whole answer (docs/adr/0014). */
  timeoutMs: number;
  /** Sockets kept per host (default 64). */
  maxSockets?: number;
  /** Largest answer read, in bytes (default 16 MiB); a larger one is a 502-like unavailable. */
  maxResponseBytes?: number;
}

/** Why a call got no answer: the server did not answer in time, or could not be reached. */
export type RemoteFailure = 'timeout' | 'unavailable';

/** A call that got no usable answer; `failure` says which kind (metrics label). */
export class RemoteCallError extends DhError {
  constructor(
    readonly failure: RemoteFailure,
    timeoutMs: number,
  ) {
    if (failure === 'timeout') super('DH_ERR_BACKEND_TIMEOUT', timeoutMs);
    else super('DH_ERR_BACKEND_UNAVAILABLE');
  }
}

/**
 * HTTP/1.1 to the remote server with keep-alive sockets and TCP_NODELAY (a request/reply round
 * trip must not wait on delayed ACKs). Every call is bounded by `timeoutMs`: past it the socket
 * is destroyed and the call rejects with a 503 `Service unavailable: no reply within <ms> ms`; a
 * refused or broken connection, or an answer that is not JSON, with 503 `Service unavailable`.
 * An HTTP error status is an answer, not a failure: it resolves.
 */
export class RemoteHttpClient {
  private readonly http: HttpAgent;
  private readonly https: HttpsAgent;
  private readonly maxResponseBytes: number;

  constructor(private readonly options: RemoteHttpOptions) {
    const agent = { keepAlive: true, maxSockets: options.maxSockets ?? 64, noDelay: true };
    this.http = new HttpAgent(agent);
    this.https = new HttpsAgent(agent);
    this.maxResponseBytes = options.maxResponseBytes ?? 16 * 1024 * 1024;
  }

  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  send(call: RemoteCall): Promise<RemoteResponse> {
    const deadline = Date.now() + this.options.timeoutMs;
    return this.attempt(call, deadline, true);
  }

  /**
   * One request. A kept-alive socket the server closed while idle fails at once with a reset
   * before any answer: that request never reached the server, so it is sent once more on a new
   * socket (Node's documented `reusedSocket` pattern), within the same deadline.
   */
  private attempt(call: RemoteCall, deadline: number, mayRetry: boolean): Promise<RemoteResponse> {
    const url = new URL(call.url);
    const secure = url.protocol === 'https:';
    // The path as built, not as URL parsing normalizes it: a `..` id stays an id, never a step up.
    const path = call.url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '') || '/';
    const payload = call.body === undefined ? undefined : Buffer.from(JSON.stringify(call.body));
    const headers: Record<string, string | number> = { Accept: 'application/json' };
    if (payload) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = payload.length;
    }
    if (call.bearer !== undefined) headers['Authorization'] = `Bearer ${call.bearer}`;
    const { timeoutMs } = this.options;
    return new Promise<RemoteResponse>((resolve, reject) => {
      let settled = false;
      let answered = false;
      const fail = (failure: RemoteFailure) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(new RemoteCallError(failure, timeoutMs));
      };
      const req = (secure ? httpsRequest : httpRequest)({
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || undefined,
        path,
        method: call.method,
        headers,
        agent: secure ? this.https : this.http,
      });
      const timer = setTimeout(() => fail('timeout'), Math.max(0, deadline - Date.now()));
      req.on('socket', (socket) => socket.setNoDelay(true));
      req.on('error', (error: NodeJS.ErrnoException) => {
        const stale =
          mayRetry &&
          !answered &&
          req.reusedSocket &&
          (error.code === 'ECONNRESET' || error.code === 'EPIPE');
        if (stale && !settled) {
          settled = true;
          clearTimeout(timer);
          this.attempt(call, deadline, false).then(resolve, reject);
          return;
        }
        fail('unavailable');
      });
      req.on('response', (res) => {
        answered = true;
        this.read(res).then(
          (body) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 0, body });
          },
          () => fail('unavailable'),
        );
      });
      req.end(payload);
    });
  }

  private read(res: IncomingMessage): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.maxResponseBytes) {
          res.destroy();
          reject(new Error('answer too large'));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('answer aborted')));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (text.trim() === '') return resolve(undefined);
        try {
          resolve(JSON.parse(text));
        } catch {
          // A proxy's HTML error page: no DeviceHive answer. Error statuses keep their status.
          if ((res.statusCode ?? 500) >= 400) resolve(undefined);
          else reject(new Error('answer is not JSON'));
        }
      });
    });
  }

  /** Closes the kept-alive sockets. */
  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}
