import { createServer } from 'node:net';
import { Aedes } from 'aedes';

/**
 * The reference broker: plain aedes, in-memory persistence and mqemitter, no hooks, on a TCP
 * server with `noDelay` (docs/design.md: Nagle). Usage: `node aedes-server.js <port>`.
 */
async function main(): Promise<void> {
  const port = Number(process.argv[2]);
  const aedes = await Aedes.createBroker();
  const server = createServer({ noDelay: true }, (socket) => aedes.handle(socket));
  server.listen(port, '127.0.0.1');
  process.on('SIGTERM', () => {
    server.close();
    aedes.close(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`aedes-server: ${String(err)}\n`);
  process.exit(1);
});
