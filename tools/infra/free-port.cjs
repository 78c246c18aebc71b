// A free TCP port for local services, test pods and bench processes. CommonJS so that the
// infrastructure scripts (ESM), the bench (compiled CommonJS) and the jest suites (CommonJS
// through swc) load the same file.
'use strict';
const { readFileSync } = require('node:fs');
const { createServer } = require('node:net');

/** Where the kernel's ephemeral ports (source ports of outgoing connections) begin. */
function ephemeralLow() {
  try {
    return (
      Number(
        readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
      ) || 32768
    );
  } catch {
    return 32768; // not Linux: the usual start of the range
  }
}

/**
 * Binds `port` (0: any) on `host` and releases it; resolves with the port, or 0 when taken.
 * @param {number} port
 * @param {string} host
 * @returns {Promise<number>}
 */
function tryBind(port, host) {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(0));
    server.listen(port, host, () => {
      const bound = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
      server.close(() => resolve(bound));
    });
  });
}

/** The next port this process tries: a random start, then one after the other. */
let nextPort = 0;

/**
 * A TCP port that was free a moment ago, chosen below the kernel's ephemeral range: a port from
 * that range (what binding port 0 returns) is also handed out as the source port of outgoing
 * connections, and on a busy machine (Kafka and Redis clients of parallel suites) one was taken
 * between this check and the server binding it ("port … is already in use"). Ports are walked one
 * after the other from a random start, so one process never hands out the same port twice (random
 * picks gave two pods of one cluster the same port) and two processes rarely meet.
 * @param {string} [host]
 * @returns {Promise<number>}
 */
async function freePort(host = '127.0.0.1') {
  const low = 20_000;
  const high = Math.max(ephemeralLow(), low + 1_000);
  if (nextPort === 0) nextPort = low + Math.floor(Math.random() * (high - low));
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const candidate = nextPort;
    nextPort = nextPort + 1 >= high ? low : nextPort + 1;
    if (await tryBind(candidate, host)) return candidate;
  }
  return tryBind(0, host);
}

module.exports = { freePort };
