import { createServer, type Server } from 'node:https';
import type { DhBroker } from '../broker';
import { serveMqttUpgrades, upgradeRequired, type WsServerOptions } from './ws-server';

/** A secure WebSocket listener: the WebSocket options plus the PEM material of the TLS one. */
export interface WssServerOptions extends WsServerOptions {
  cert: string | Buffer;
  key: string | Buffer;
  /** Extra CA certificates (chain or client CAs). */
  ca?: string | Buffer;
  /** Bound on the TLS handshake, so idle sockets that never finish it are dropped. */
  handshakeTimeoutMs?: number;
}

/**
 * MQTT over secure WebSocket (docs/security.md), built but not listening: the WebSocket
 * transport behind the TLS listener's handshake rules (TLS ≥ 1.2, the same certificate, a
 * bounded handshake, `noDelay`, the packet size guard on the decrypted byte stream). A failed
 * handshake drops the socket, never the process. Re-key it with `setSecureContext`.
 */
export function createWssServer(
  broker: Pick<DhBroker, 'handle'>,
  options: WssServerOptions,
): Server {
  const server = createServer(
    {
      cert: options.cert,
      key: options.key,
      ca: options.ca,
      noDelay: true,
      handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
      minVersion: 'TLSv1.2',
    },
    upgradeRequired,
  );
  server.on('tlsClientError', (_err, socket) => socket.destroy());
  serveMqttUpgrades(server, broker, options);
  return server;
}
