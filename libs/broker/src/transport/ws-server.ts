import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { WebSocketServer, createWebSocketStream } from 'ws';
import type { DhBroker } from '../broker';
import { guardPacketSize } from './packet-size-guard';

export interface WsServerOptions {
  /** Upgrade path, e.g. `/mqtt`; other paths get 400. */
  path: string;
  /** Largest WebSocket message accepted, in bytes (docs/security.md). */
  maxPayload?: number;
  /**
   * Largest MQTT packet accepted, in bytes, however many WebSocket messages carry it: a larger
   * one closes the connection as soon as its fixed header is read, before CONNECT too.
   */
  maxPacketSize?: number;
}

/**
 * MQTT over WebSocket (docs/security.md), built but not listening: an HTTP server whose upgrades
 * on `path` become MQTT connections (subprotocol `mqtt`/`mqttv3.1` as MQTT.js and browsers send).
 * `noDelay` on the underlying socket, as for TCP (docs/performance.md).
 */
export function createWsServer(broker: Pick<DhBroker, 'handle'>, options: WsServerOptions): Server {
  const server = createServer(upgradeRequired);
  serveMqttUpgrades(server, broker, options);
  return server;
}

/** The answer to a plain HTTP request on a WebSocket listener. */
export function upgradeRequired(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(426, { 'content-type': 'text/plain' });
  res.end('MQTT over WebSocket: upgrade required\n');
}

/**
 * Turns the WebSocket upgrades on `options.path` of an HTTP or HTTPS server into MQTT
 * connections. `maxPayload` bounds one WebSocket message; the packet size guard sits on the
 * byte stream aedes reads (`read(null)` on 'readable'), so an MQTT packet streamed over many
 * small messages is bounded too. The guard adds no stream: the duplex keeps its backpressure
 * (ws pauses the socket while the duplex buffer is full), so memory stays bounded while aedes is
 * busy.
 */
export function serveMqttUpgrades(
  server: Server | HttpsServer,
  broker: Pick<DhBroker, 'handle'>,
  options: WsServerOptions,
): void {
  const { maxPacketSize } = options;
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
    broker.handle(maxPacketSize ? guardPacketSize(stream, maxPacketSize) : stream, req);
  });
  server.on('close', () => wss.close());
}
