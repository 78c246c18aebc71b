import { connect as tcpConnect, isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ISocketFactory } from 'kafkajs';

/** TCP keep-alive probe delay on Kafka connections (what kafkajs' own factory uses). */
const KEEP_ALIVE_DELAY_MS = 60_000;

/**
 * kafkajs' sockets with TCP_NODELAY on. kafkajs leaves Nagle's algorithm on: a request written
 * while an earlier one on the same connection is not yet acknowledged (a fetch waiting in the
 * broker, then a heartbeat or a produce) waits for the peer's delayed ACK, up to ~40 ms on Linux,
 * which is the latency of a quiet cluster's round trip (docs/performance.md). The broker side
 * already sets it. `inner` is a factory to wrap (tests inject outages there); without one, plain
 * TCP or TLS as kafkajs would open them.
 */
export function noDelaySocketFactory(inner?: ISocketFactory): ISocketFactory {
  return (args) => {
    const socket = inner ? inner(args) : openSocket(args);
    socket.setNoDelay(true);
    return socket;
  };
}

function openSocket({ host, port, ssl, onConnect }: Parameters<ISocketFactory>[0]) {
  const socket = ssl
    ? tlsConnect({ host, port, ...(isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
    : tcpConnect({ host, port }, onConnect);
  socket.setKeepAlive(true, KEEP_ALIVE_DELAY_MS);
  return socket;
}
