import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** One request the recording server got. */
export interface Recorded {
  method: string;
  /** Path and query, as sent. */
  url: string;
  authorization: string | undefined;
  body: unknown;
}

/** What the server answers: a status and a JSON body (or a raw text), or no answer at all. */
export type Answer = { status: number; body?: unknown; raw?: string } | 'hang';

/**
 * A stand-in DeviceHive server on a free port for the specs of this lib: records every request
 * and answers from a handler (default 404).
 */
export class RecordingServer {
  readonly requests: Recorded[] = [];
  private server!: Server;
  private readonly open = new Set<ServerResponse>();
  handler: (request: Recorded) => Answer = () => ({ status: 404 });
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  get restUrl(): string {
    return `http://127.0.0.1:${this.port}/api/rest`;
  }

  get authUrl(): string {
    return `http://127.0.0.1:${this.port}/auth/rest`;
  }

  async stop(): Promise<void> {
    for (const res of this.open) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const recorded: Recorded = {
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: req.headers.authorization,
      body: text === '' ? undefined : JSON.parse(text),
    };
    this.requests.push(recorded);
    const answer = this.handler(recorded);
    if (answer === 'hang') {
      this.open.add(res);
      return;
    }
    const payload = answer.raw ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(payload);
  }
}
