import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:tls';
import type { DhBroker } from '../broker';
import { guardPacketSize } from './packet-size-guard';

/** PEM material of the TLS listener (mqtt-api.md §1). */
export interface TlsServerOptions {
  cert: string | Buffer;
  key: string | Buffer;
  /** Extra CA certificates (chain or client CAs). */
  ca?: string | Buffer;
  /** Largest MQTT packet accepted, in bytes; a larger one closes the connection (§7). */
  maxPacketSize?: number;
  /** Bound on the TLS handshake, so idle sockets that never finish it are dropped (§7). */
  handshakeTimeoutMs?: number;
}

/**
 * MQTT over TLS, built but not listening: the TCP transport behind a TLS handshake, with the same
 * `noDelay` and packet size guard on the decrypted stream. Connections whose handshake fails are
 * dropped silently (a `tlsClientError`, never a process error).
 */
export function createTlsServer(
  broker: Pick<DhBroker, 'handle'>,
  options: TlsServerOptions,
): Server {
  const { maxPacketSize } = options;
  const server = createServer(
    {
      cert: options.cert,
      key: options.key,
      ca: options.ca,
      noDelay: true,
      handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
      minVersion: 'TLSv1.2',
    },
    (socket) => {
      socket.setNoDelay(true);
      broker.handle(maxPacketSize ? guardPacketSize(socket, maxPacketSize) : socket);
    },
  );
  server.on('tlsClientError', (_err, socket) => socket.destroy());
  return server;
}

/** Reads the PEM files named by `DH_TLS_CERT`, `DH_TLS_KEY` and `DH_TLS_CA`. */
export function readTlsFiles(paths: {
  certPath: string;
  keyPath: string;
  caPath?: string;
}): Pick<TlsServerOptions, 'cert' | 'key' | 'ca'> {
  return {
    cert: readFileSync(paths.certPath),
    key: readFileSync(paths.keyPath),
    ca: paths.caPath === undefined ? undefined : readFileSync(paths.caPath),
  };
}
