#!/usr/bin/env node
// What one message between two processes costs on this machine: a TCP loopback ping-pong (noDelay)
// between this process and a forked child, one 32-byte message outstanding, like a request and
// its reply. Prints the round trip (wall) and the CPU each side spent per round trip (user+system,
// from process.cpuUsage), so the cluster's per-message figures can be read against the machine's
// own floor (docs/performance.md §5).
//   node tools/bench/loopback-cost.mjs [round trips, default 20000]
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createServer, connect } from 'node:net';

const rounds = Number(process.argv[2] ?? 20_000);

if (process.argv[2] === '--child') {
  const socket = connect({ port: Number(process.argv[3]), host: '127.0.0.1', noDelay: true });
  socket.on('data', (chunk) => socket.write(chunk));
  process.on('message', (what) => {
    if (what === 'cpu') return void process.send(process.cpuUsage());
    socket.destroy();
    process.disconnect();
  });
} else {
  const server = createServer({ noDelay: true });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const child = fork(new URL(import.meta.url).pathname, ['--child', String(server.address().port)]);
  const [socket] = await once(server, 'connection');
  const payload = Buffer.alloc(32, 1);
  const run = (count) =>
    new Promise((resolve) => {
      let left = count;
      const onData = () => {
        left -= 1;
        if (left === 0) {
          socket.off('data', onData);
          resolve();
        } else socket.write(payload);
      };
      socket.on('data', onData);
      socket.write(payload);
    });
  await run(2_000); // warm-up
  child.send('cpu');
  const [childBefore] = await once(child, 'message');
  await new Promise((resolve) => setTimeout(resolve, 10));
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await run(rounds);
  const wallUs = (performance.now() - started) * 1000;
  const cpu = process.cpuUsage(cpuBefore);
  child.send('cpu');
  const [childAfter] = await once(child, 'message');
  const childUs = childAfter.user + childAfter.system - childBefore.user - childBefore.system;
  const per = (us) => (us / rounds).toFixed(1);
  process.stdout.write(
    `loopback TCP ping-pong, ${rounds} round trips: ${per(wallUs)} µs per round trip (wall); ` +
      `CPU per round trip: this side ${per(cpu.user + cpu.system)} µs (system ${per(cpu.system)}), ` +
      `the other side ${per(childUs)} µs\n`,
  );
  child.send('stop');
  socket.destroy();
  server.close();
}
