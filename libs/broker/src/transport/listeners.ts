import type { Server } from 'node:net';
import { listen, type Logger } from '@dh-mqtt/runtime';
import type { Registry } from 'prom-client';
import type { Socket } from 'node:net';
import type { DhBroker } from '../broker';
import type { BrokerMetrics, ListenerName } from '../metrics/broker-metrics';
import { CertificateReloader } from './certificate-reloader';
import { createTcpServer } from './tcp-server';
import { createTlsServer } from './tls-server';
import { createWsServer } from './ws-server';
import { createWssServer } from './wss-server';

/** What the listeners read from the broker config (`BrokerConfig` fits). */
export interface ListenerSettings {
  /** `DH_MQTT_PORT`. */
  mqttPort: number;
  /** `DH_WS_PORT`. */
  wsPort: number;
  /** `DH_WS_PATH`, on the WebSocket and the secure WebSocket listener. */
  wsPath: string;
  /** `DH_MAX_PACKET_SIZE`, held on every listener. */
  maxPacketSize: number;
  /** Unset: no TLS and no secure WebSocket listener. */
  tls?: {
    /** `DH_TLS_PORT`. */
    port: number;
    /** `DH_WSS_PORT`. */
    wssPort: number;
    certPath: string;
    keyPath: string;
    caPath?: string;
  };
}

export interface ListenerDeps {
  logger: Logger;
  /** The app's Prometheus registry (certificate reload metrics). */
  metrics?: Registry;
  /** Told of every accepted connection (`dh_mqtt_connections`, bytes in and out). */
  connections?: Pick<BrokerMetrics, 'opened'>;
  /** Where SIGHUP comes from (a certificate reload); `process` by default. */
  signals?: Pick<NodeJS.Process, 'on' | 'off'>;
  /** Bound on a TLS handshake; 10 s by default. */
  handshakeTimeoutMs?: number;
  /** Quiet time after a certificate file event before the files are read; 250 ms by default. */
  certificateDebounceMs?: number;
}

/** The ports actually bound; `tls` and `wss` only when a certificate is configured. */
export interface ListenerPorts {
  mqtt: number;
  ws: number;
  tls?: number;
  wss?: number;
}

/** The MQTT listeners of one process, built and not yet listening. */
export interface Listeners {
  /** Binds every listener on `host`; resolves with the bound ports. */
  listen(host?: string): Promise<ListenerPorts>;
  /**
   * Re-reads the certificate files and re-keys the TLS and secure WebSocket listeners; open
   * connections stay. False when the new files are bad (the old certificate stays) or when no
   * certificate is configured.
   */
  reloadCertificates(): boolean;
  /**
   * Stops accepting connections without waiting for the open ones (the broker ends those), and
   * stops the certificate watch and the SIGHUP handler.
   */
  stopAccepting(): void;
}

/**
 * The four MQTT listeners of docs/security.md, built one way for every app: TCP and WebSocket
 * always, TLS and secure WebSocket when a certificate is configured (the same certificate,
 * reloaded on SIGHUP and when its files change). Every listener holds `DH_MAX_PACKET_SIZE` on
 * the bytes it reads, before CONNECT too, and sets `noDelay`. Throws when the certificate
 * cannot be used, so a bad file fails the start.
 */
export function createListeners(
  broker: Pick<DhBroker, 'handle'>,
  settings: ListenerSettings,
  deps: ListenerDeps,
): Listeners {
  const { maxPacketSize, wsPath: path, tls } = settings;
  const metered = (listener: ListenerName): Pick<DhBroker, 'handle'> => {
    const meter = deps.connections;
    if (!meter) return broker;
    return {
      handle: (conn, req) => {
        // The network socket: the connection itself (TCP, TLS) or under the upgrade (WebSocket).
        const socket = (req?.socket ?? conn) as Socket;
        meter.opened(listener, socket);
        return broker.handle(conn, req);
      },
    };
  };
  const tcp = createTcpServer(metered('tcp'), { maxPacketSize });
  const ws = createWsServer(metered('ws'), { path, maxPayload: maxPacketSize, maxPacketSize });
  const servers: Server[] = [tcp, ws];

  const reloader = tls
    ? new CertificateReloader(tls, {
        logger: deps.logger.child({ component: 'tls' }),
        metrics: deps.metrics,
        debounceMs: deps.certificateDebounceMs,
      })
    : undefined;
  const secure = reloader && {
    tls: createTlsServer(metered('tls'), {
      ...reloader.material,
      maxPacketSize,
      handshakeTimeoutMs: deps.handshakeTimeoutMs,
    }),
    wss: createWssServer(metered('wss'), {
      ...reloader.material,
      path,
      maxPayload: maxPacketSize,
      maxPacketSize,
      handshakeTimeoutMs: deps.handshakeTimeoutMs,
    }),
  };
  const signals = deps.signals ?? process;
  const onHangup = () => void reloader?.reload('SIGHUP');
  if (reloader && secure) {
    reloader.serve(secure.tls);
    reloader.serve(secure.wss);
    servers.push(secure.tls, secure.wss);
    reloader.watch();
    // A handler of its own also keeps SIGHUP from ending the process (Node's default).
    signals.on('SIGHUP', onHangup);
  }

  return {
    async listen(host) {
      const ports: ListenerPorts = {
        mqtt: await listen(tcp, settings.mqttPort, host, 'DH_MQTT_PORT'),
        ws: await listen(ws, settings.wsPort, host, 'DH_WS_PORT'),
      };
      if (secure && tls) {
        ports.tls = await listen(secure.tls, tls.port, host, 'DH_TLS_PORT');
        ports.wss = await listen(secure.wss, tls.wssPort, host, 'DH_WSS_PORT');
      }
      return ports;
    },
    reloadCertificates: () => reloader?.reload('request') ?? false,
    stopAccepting() {
      if (reloader) {
        signals.off('SIGHUP', onHangup);
        reloader.close();
      }
      for (const server of servers) if (server.listening) server.close();
    },
  };
}
