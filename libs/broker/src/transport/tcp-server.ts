import { createServer, type Server } from 'node:net';
import type { DhBroker } from '../broker';
import { guardPacketSize } from './packet-size-guard';

export interface TcpServerOptions {
  /**
   * Largest MQTT packet accepted, in bytes; a larger one closes the connection
   * (docs/reliability.md).
   */
  maxPacketSize?: number;
}

/**
 * MQTT over TCP, built but not listening. `noDelay` on every socket: with Nagle on, each
 * request/reply round trip stalls ~40 ms on delayed ACK (docs/design.md).
 */
export function createTcpServer(
  broker: Pick<DhBroker, 'handle'>,
  options: TcpServerOptions = {},
): Server {
  const { maxPacketSize } = options;
  return createServer({ noDelay: true }, (socket) => {
    broker.handle(maxPacketSize ? guardPacketSize(socket, maxPacketSize) : socket);
  });
}
