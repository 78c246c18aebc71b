import { createServer, type Server } from 'node:https';
import type { DhBroker } from '../broker';
import { tlsListenerOptions, type TlsMaterial } from './tls-server';
import { serveMqttUpgrades, upgradeRequired, type WsServerOptions } from './ws-server';

/** A secure WebSocket listener: the WebSocket options plus the PEM material of the TLS one. */
export interface WssServerOptions extends WsServerOptions, TlsMaterial {}

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
  const server = createServer(tlsListenerOptions(options), upgradeRequired);
  server.on('tlsClientError', (_err, socket) => socket.destroy());
  serveMqttUpgrades(server, broker, options);
  return server;
}
