import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStandaloneConfig, silentLogger } from '@dh-mqtt/runtime';
import WebSocket from 'ws';
import { startStandalone, type Standalone } from '../src/standalone';

/** The bootstrap admin of a fresh database (docs/api/README.md, "A fresh database"). */
export const ADMIN = { login: 'dhadmin', password: 'dhadmin_#911' };
export const SAMPLE_DEVICE = 'e50d6085-2aba-48e9-b1c3-73c673e414be';

/** What a REST call got back. */
export interface RestReply {
  status: number;
  body: unknown;
  /** The body as an object (tests read fields). */
  json: Record<string, unknown>;
}

/** The embedded process on free ports, with the API port, for an end-to-end suite. */
export class ApiTestServer {
  app!: Standalone;
  private dataDirectory = '';
  private readonly sockets: WebSocket[] = [];

  async start(env: Record<string, string> = {}): Promise<void> {
    this.dataDirectory = mkdtempSync(join(tmpdir(), 'dh-api-'));
    const config = loadStandaloneConfig({
      DH_HOST: '127.0.0.1',
      DH_MQTT_PORT: '0',
      DH_WS_PORT: '0',
      DH_HTTP_PORT: '0',
      DH_API_PORT: '0',
      DH_DATA_DIR: this.dataDirectory,
      DH_JWT_SECRET: 'e2e-secret-of-enough-length-0123456789',
      ...env,
    });
    this.app = await startStandalone(config, { logger: silentLogger() });
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await this.app?.close();
    if (this.dataDirectory) rmSync(this.dataDirectory, { recursive: true, force: true });
  }

  /** The data directory the process was given (fresh for each start). */
  get dataDir(): string {
    return this.dataDirectory;
  }

  get base(): string {
    return `http://127.0.0.1:${this.app.ports.api}`;
  }

  /** One REST call; `body` is sent as JSON unless it is a string (sent as is). */
  async rest(
    method: string,
    path: string,
    options: { token?: string; body?: unknown } = {},
  ): Promise<RestReply> {
    const headers: Record<string, string> = {};
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    }
    const response = await fetch(`${this.base}${path}`, { method, headers, body });
    const text = await response.text();
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    return {
      status: response.status,
      body: parsed,
      json: (parsed ?? {}) as Record<string, unknown>,
    };
  }

  /** An access token of a user, by login and password over REST. */
  async login(login = ADMIN.login, password = ADMIN.password): Promise<string> {
    const reply = await this.rest('POST', '/auth/rest/token', { body: { login, password } });
    if (reply.status !== 201) throw new Error(`login failed: ${JSON.stringify(reply.body)}`);
    return reply.json['accessToken'] as string;
  }

  /** A WebSocket on `/api/websocket`, open. */
  async websocket(): Promise<WsTestClient> {
    const socket = new WebSocket(`ws://127.0.0.1:${this.app.ports.api}/api/websocket`);
    this.sockets.push(socket);
    const client = new WsTestClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }
}

/** A WebSocket API client that queues what it receives. */
export class WsTestClient {
  private readonly received: Record<string, unknown>[] = [];
  private waiters: Array<() => void> = [];
  closeCode: number | undefined;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.received.push(JSON.parse(String(data)) as Record<string, unknown>);
      for (const wake of this.waiters.splice(0)) wake();
    });
    socket.on('close', (code) => {
      this.closeCode = code;
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  send(message: object | string): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Sends a request and resolves with the reply carrying its `requestId`. */
  async request(message: Record<string, unknown>): Promise<Record<string, unknown>> {
    const requestId = message['requestId'] ?? `r-${Math.random()}`;
    this.send({ ...message, requestId });
    const key = JSON.stringify(requestId);
    return this.next((m) => JSON.stringify(m['requestId']) === key && 'status' in m);
  }

  /** The first message (received or to come) that matches, removed from the queue. */
  async next(
    matches: (message: Record<string, unknown>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.received.findIndex(matches);
      if (index >= 0) return this.received.splice(index, 1)[0] as Record<string, unknown>;
      const left = deadline - Date.now();
      if (left <= 0 || this.closeCode !== undefined) {
        throw new Error(`no matching message within ${timeoutMs} ms`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Messages received and not taken yet. */
  pending(): Record<string, unknown>[] {
    return [...this.received];
  }
}
