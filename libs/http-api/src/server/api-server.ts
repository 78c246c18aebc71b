import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Logger } from '@dh-mqtt/runtime';
import type { Registry } from 'prom-client';
import { WebSocketServer } from 'ws';
import type { ActionFace } from '../face/action-face.port';
import { EventHub } from '../face/event-hub';
import { ApiMetrics } from '../metrics/api-metrics';
import { handleRest } from '../rest/rest-handler';
import { serveWsSession } from '../ws/ws-session';
import { sendError, sendJson } from './http-io';

/** Where the WebSocket API listens (docs/api/websocket.md). */
export const WEBSOCKET_PATH = '/api/websocket';

/** Timeouts against slow clients (docs/adr/0012, "Limits"), in ms. */
export const API_TIMEOUTS: Readonly<Record<'headers' | 'request' | 'keepAlive' | 'check', number>> =
  Object.freeze({
    /** The request line and headers must arrive within this. */
    headers: 10_000,
    /** A whole request (its body included) must arrive within this. */
    request: 30_000,
    /** An idle keep-alive socket closes after this. */
    keepAlive: 5_000,
    /** How often the header and request timeouts are checked. */
    check: 1_000,
  });

/** Cross-origin access for browser clients: any origin, the API's methods and headers. */
const CORS_HEADERS = Object.freeze({
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
  'access-control-allow-headers': 'Origin, Content-Type, Accept, Authorization',
  'access-control-max-age': '600',
});

export interface ApiServerDeps {
  readonly face: ActionFace;
  readonly logger: Logger;
  /** Largest request body or WebSocket message, in bytes (`DH_MAX_REQUEST_SIZE`). */
  readonly maxRequestSize: number;
  /** The app's Prometheus registry (`dh_http_*`, `dh_api_ws_connections`). */
  readonly metrics?: Registry;
  /** Shorter timeouts (tests); {@link API_TIMEOUTS} by default. */
  readonly timeouts?: Partial<typeof API_TIMEOUTS>;
}

/** The HTTP server of the REST and WebSocket APIs; the caller listens and closes. */
export interface ApiServer {
  readonly server: Server;
  /** Ends the open WebSocket connections (1001) and every keep-alive socket. */
  closeConnections(): void;
}

/**
 * Builds the server of `DH_API_PORT` (docs/adr/0012): REST under `/api/rest` and `/auth/rest`,
 * the WebSocket API on `/api/websocket`, every socket with `TCP_NODELAY`, bounded header, body
 * and idle times and bounded body and message sizes. It listens nowhere itself.
 */
export function createApiServer(deps: ApiServerDeps): ApiServer {
  const logger = deps.logger.child({ component: 'api' });
  const hub = new EventHub(deps.face);
  const metrics = new ApiMetrics(deps.metrics);
  const restDeps = { face: deps.face, hub, maxBodyBytes: deps.maxRequestSize };
  const timeouts = { ...API_TIMEOUTS, ...deps.timeouts };
  const server = createServer({
    noDelay: true,
    headersTimeout: timeouts.headers,
    requestTimeout: timeouts.request,
    keepAliveTimeout: timeouts.keepAlive,
    connectionsCheckingInterval: timeouts.check,
    maxHeaderSize: 16_384,
  });
  server.on('connection', (socket: Socket) => socket.setNoDelay(true));
  server.on('clientError', (_err, socket: Socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const startedAt = performance.now();
    // Browser clients (DeviceHive's admin console) call from another origin: every response
    // allows it, and a preflight is answered here (docs/api/rest.md, "Conventions").
    for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'content-length': '0' }).end();
      metrics.answered('preflight', 204, (performance.now() - startedAt) / 1000);
      return;
    }
    void answer(req, res).then(
      (route) => metrics.answered(route, res.statusCode, (performance.now() - startedAt) / 1000),
      (err: unknown) => {
        logger.error({ err, method: req.method }, 'REST call failed');
        sendError(res, 500, 'Internal server error');
      },
    );
  });

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<string> {
    const url = new URL(req.url ?? '/', 'http://api');
    const gone = new Promise<void>((resolve) => res.once('close', () => resolve()));
    const { route, response } = await handleRest(restDeps, {
      req,
      method: req.method ?? 'GET',
      url,
      gone,
    });
    // A body refused unread: the socket may still be sending it, so it is not reused.
    if (response.status === 413) res.shouldKeepAlive = false;
    sendJson(res, response.status, response.body);
    if (logger.isLevelEnabled('debug')) {
      logger.debug({ method: req.method, route, status: response.status }, 'REST call');
    }
    return route;
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: deps.maxRequestSize });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.setNoDelay(true);
    const path = new URL(req.url ?? '/', 'http://api').pathname;
    if (path !== WEBSOCKET_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      metrics.wsOpened();
      const session = serveWsSession(
        {
          face: deps.face,
          hub,
          maxRequestSize: deps.maxRequestSize,
          maxBufferedBytes: 8 << 20,
          readHold: deps.face.readHoldPolicy && {
            policy: deps.face.readHoldPolicy(),
            counts: {
              held: () => metrics.wsReadsHeld(),
              released: (heldSeconds) => metrics.wsReadsReleased(heldSeconds),
            },
            logger,
          },
        },
        ws,
      );
      logger.info({ clientId: session.clientId }, 'websocket connected');
      ws.once('close', (code: number) => {
        metrics.wsClosed();
        logger.info({ clientId: session.clientId, code }, 'websocket disconnected');
      });
    });
  });

  return {
    server,
    closeConnections() {
      for (const ws of wss.clients) ws.close(1001, 'server shutting down');
      server.closeAllConnections();
    },
  };
}
