import { createServer, type Server } from 'node:net';
import type { DhBroker } from '../broker';

/**
 * MQTT over TCP, built but not listening. `noDelay` on every socket: with Nagle on, each
 * request/reply round trip stalls ~40 ms on delayed ACK (BENCHMARKING.md).
 */
export function createTcpServer(broker: Pick<DhBroker, 'handle'>): Server {
  return createServer({ noDelay: true }, (socket) => {
    broker.handle(socket);
  });
}
