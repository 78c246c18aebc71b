import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, createWebSocketStream } from 'ws';
import type { DhBroker } from '../broker';

export interface WsServerOptions {
  /** Upgrade path, e.g. `/mqtt`; other paths get 400. */
  path: string;
  /** Largest WebSocket message accepted, in bytes (mqtt-api.md §7). */
  maxPayload?: number;
}

/**
 * MQTT over WebSocket (mqtt-api.md §1), built but not listening: an HTTP server whose upgrades on
 * `path` become MQTT connections (subprotocol `mqtt`/`mqttv3.1` as MQTT.js and browsers send).
 * `noDelay` on the underlying socket, as for TCP (BENCHMARKING.md).
 */
export function createWsServer(broker: Pick<DhBroker, 'handle'>, options: WsServerOptions): Server {
  const server = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' });
    res.end('MQTT over WebSocket: upgrade required\n');
  });
  const wss = new WebSocketServer({
    server,
    path: options.path,
    maxPayload: options.maxPayload,
    handleProtocols: (protocols) => protocols.values().next().value ?? false,
  });
  wss.on('connection', (ws, req) => {
    (req.socket as Socket).setNoDelay(true);
    const stream = createWebSocketStream(ws);
    stream.on('error', () => stream.destroy());
    broker.handle(stream, req);
  });
  server.on('close', () => wss.close());
  return server;
}
