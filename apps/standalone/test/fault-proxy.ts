import { connect, createServer, type Server, type Socket } from 'node:net';

/** What the proxy does with connections: forward them, refuse them, or hold them unanswered. */
export type ProxyMode = 'pass' | 'down' | 'hang';

/**
 * A TCP proxy in front of a server, for fault tests: `down` closes every connection (a stopped
 * server), `hang` accepts and never answers (a server too slow to answer). Switching mode drops
 * the connections already open, as a restart of the server would.
 */
export class FaultProxy {
  private server!: Server;
  private readonly sockets = new Set<Socket>();
  private mode: ProxyMode = 'pass';
  port = 0;

  constructor(private readonly targetPort: number) {}

  async start(): Promise<void> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  setMode(mode: ProxyMode): void {
    this.mode = mode;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  async stop(): Promise<void> {
    this.setMode('down');
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }

  private accept(client: Socket): void {
    this.track(client);
    if (this.mode === 'down') {
      client.destroy();
      return;
    }
    if (this.mode === 'hang') return;
    const upstream = connect(this.targetPort, '127.0.0.1');
    this.track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }
}
