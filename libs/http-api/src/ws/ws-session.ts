import { randomUUID } from 'node:crypto';
import {
  ClientSession,
  ReadHold,
  loggedHolds,
  mayReceiveEvent,
  parseRequest,
  type ReadHoldCounts,
  type ReadHoldPolicy,
} from '@dh-mqtt/broker';
import type { Logger } from '@dh-mqtt/runtime';
import {
  isSubscribeAction,
  TOPIC_KIND_OF_EVENT,
  type DeviceEvent,
  type Reply,
} from '@dh-mqtt/protocol';
import type { RawData, WebSocket } from 'ws';
import type { ActionFace } from '../face/action-face.port';
import type { EventHub } from '../face/event-hub';
import { activateSubscriptions, routeEvent } from '../face/session-pushes';

/** What a WebSocket session runs with. */
export interface WsSessionDeps {
  readonly face: ActionFace;
  readonly hub: EventHub;
  /** Largest message accepted, in bytes (`DH_MAX_REQUEST_SIZE`); larger frames close (1009). */
  readonly maxRequestSize: number;
  /** Bytes queued to a slow reader before its socket is closed (1008). */
  readonly maxBufferedBytes: number;
  /**
   * When to stop reading the socket while its requests are unanswered (ADR 0020), who counts it
   * and where its debug lines go; never stopped without.
   */
  readonly readHold?: {
    readonly policy: ReadHoldPolicy;
    readonly counts: ReadHoldCounts;
    readonly logger?: Logger;
  };
}

/**
 * Whether this connection needs the device events of the fabric after `action`: a subscription,
 * or a command it inserts (its `command/update` comes back to it).
 */
const needsEvents = (action: string): boolean =>
  isSubscribeAction(action) || action === 'command/insert';

/**
 * One connection of the WebSocket API (docs/api/websocket.md): each text message is a DeviceHive
 * request, answered on the same socket in the order received, through the same path as an MQTT
 * request (docs/adr/0012). The session's principal comes from `authenticate`; subscriptions push
 * `notification/insert`, `command/insert` or `command/update` with their `subscriptionId`; a
 * command this connection inserted pushes `command/update` to it when it is updated.
 */
export function serveWsSession(deps: WsSessionDeps, socket: WebSocket): ClientSession {
  const session = new ClientSession(`ws-${randomUUID()}`);
  // ADR 0020: messages taken in and not answered yet. ws parses everything its socket read
  // (up to 64 KiB) and emits it even after `pause()`: what arrives while held waits in `backlog`,
  // in order, and is taken in as the hold ends.
  let unanswered = 0;
  const backlog: RawData[] = [];
  const hold = deps.readHold
    ? new ReadHold(
        {
          hold: () => socket.pause(),
          release: () => {
            socket.resume();
            while (backlog.length > 0 && !hold?.holding) takeIn(backlog.shift() as RawData);
          },
        },
        deps.readHold.policy,
        loggedHolds(deps.readHold.counts, deps.readHold.logger, session.clientId),
      )
    : undefined;
  let removeConsumer: (() => void) | undefined;
  let listening: Promise<void> | undefined;
  let closed = false;
  // Messages reach the session queue in the order they arrived, also when one waits for events.
  let arrival: Promise<unknown> = Promise.resolve();

  const send = (message: object) => {
    if (closed || socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > deps.maxBufferedBytes) {
      socket.close(1008, 'too much unread data');
      return;
    }
    socket.send(JSON.stringify(message));
  };
  const push = (subscriptionId: number | null, event: DeviceEvent) => {
    const object = event.kind === 'notification/insert' ? 'notification' : 'command';
    const message: Record<string, unknown> = { action: event.kind, [object]: event.data };
    if (subscriptionId !== null) message['subscriptionId'] = subscriptionId;
    send(message);
  };
  const onEvent = (event: DeviceEvent) => {
    routeEvent(session, event, push);
    if (
      event.kind === 'command/update' &&
      event.originClientId === session.clientId &&
      mayReceiveEvent(session.principal, TOPIC_KIND_OF_EVENT[event.kind], event)
    ) {
      push(null, event);
    }
  };
  const listen = () =>
    (listening ??= deps.hub.add(onEvent).then(
      (remove) => {
        if (closed) remove();
        else removeConsumer = remove;
      },
      () => undefined,
    ));

  function takeIn(data: RawData): void {
    const payload = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
    const parsed = parseRequest(payload, deps.maxRequestSize);
    if (!parsed.ok) {
      send(parsed.reply);
      return;
    }
    const request = parsed.request;
    const ready = (arrival = arrival.then(() =>
      needsEvents(request.action) ? listen() : undefined,
    ));
    hold?.queueLength(++unanswered);
    const replied: Promise<Reply> = ready.then(() => deps.face.handleFaceRequest(session, request));
    void replied.then((reply) => {
      send(reply);
      hold?.queueLength(--unanswered);
      activateSubscriptions(session, push);
    });
  }

  socket.on('message', (data: RawData) => {
    if (hold && (hold.holding || backlog.length > 0)) backlog.push(data);
    else takeIn(data);
  });
  socket.on('close', () => {
    closed = true;
    backlog.length = 0;
    hold?.release();
    session.requestSubscriptions.clear();
    session.pendingSubscriptions.clear();
    removeConsumer?.();
  });
  socket.on('error', () => undefined);
  return session;
}
