import { readFileSync } from 'node:fs';
import { createServer, type Server, type TlsOptions } from 'node:tls';
import type { DhBroker } from '../broker';
import { guardPacketSize } from './packet-size-guard';

/** PEM material and handshake bound of a TLS listener (MQTT over TLS or secure WebSocket). */
export interface TlsMaterial {
  cert: string | Buffer;
  key: string | Buffer;
  /** Extra CA certificates (chain or client CAs). */
  ca?: string | Buffer;
  /** Bound on the TLS handshake, so idle sockets that never finish it are dropped. */
  handshakeTimeoutMs?: number;
}

/** The TLS listener (docs/security.md, "Listeners and TLS"). */
export interface TlsServerOptions extends TlsMaterial {
  /** Largest MQTT packet accepted, in bytes; a larger one closes the connection. */
  maxPacketSize?: number;
}

/**
 * The handshake rules every TLS listener shares: TLS 1.2 at least, a bounded handshake (10 s by
 * default), `noDelay` (a PUBACK then a reply must not wait for a delayed ACK).
 */
export function tlsListenerOptions(material: TlsMaterial): TlsOptions & { noDelay: boolean } {
  return {
    cert: material.cert,
    key: material.key,
    ca: material.ca,
    noDelay: true,
    handshakeTimeout: material.handshakeTimeoutMs ?? 10_000,
    minVersion: 'TLSv1.2',
  };
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
  const server = createServer(tlsListenerOptions(options), (socket) => {
    socket.setNoDelay(true);
    broker.handle(maxPacketSize ? guardPacketSize(socket, maxPacketSize) : socket);
  });
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
