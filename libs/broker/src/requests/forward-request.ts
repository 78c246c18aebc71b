import { randomUUID } from 'node:crypto';
import { BUS_SCHEMA_VERSION, type ReplyEnvelope, type RequestEnvelope } from '@dh-mqtt/bus';
import {
  DhError,
  errorReplyFrom,
  isDhError,
  isSubscribeAction,
  type Reply,
  type RequestMessage,
} from '@dh-mqtt/protocol';
import type { BrokerContext } from '../broker-context';
import type { ClientSession } from '../session/client-session';

/** Extra wait beyond the deadline before the broker stops trusting the bus to reject. */
const DEADLINE_GRACE_MS = 250;

/**
 * Wraps a request in a bus envelope (docs/architecture.md): unique id, owner, principal snapshot.
 */
export function buildEnvelope(
  ctx: BrokerContext,
  session: ClientSession,
  request: RequestMessage,
  timeoutMs = ctx.settings.requestTimeoutMs,
): RequestEnvelope {
  return {
    v: BUS_SCHEMA_VERSION,
    id: randomUUID(),
    clientId: session.clientId,
    brokerId: ctx.brokerId,
    principal: session.principal,
    request,
    deadline: Date.now() + timeoutMs,
  };
}

/**
 * Sends the envelope and resolves with the gateway's reply envelope. Never rejects on the bus'
 * behalf: a rejection (timeout, no gateway) or a bus that stays silent past the deadline becomes
 * the matching 503 error reply (docs/topics/request.md: "never silence").
 */
export async function sendToGateway(
  ctx: BrokerContext,
  envelope: RequestEnvelope,
): Promise<ReplyEnvelope> {
  const { action, requestId } = envelope.request;
  let timer: NodeJS.Timeout | undefined;
  const waitMs = Math.max(0, envelope.deadline - Date.now()) + DEADLINE_GRACE_MS;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new DhError('DH_ERR_BACKEND_TIMEOUT', ctx.settings.requestTimeoutMs)),
      waitMs,
    );
  });
  try {
    return await Promise.race([ctx.bus.request(envelope), guard]);
  } catch (err) {
    const error = isDhError(err) ? err : new DhError('DH_ERR_BACKEND_UNAVAILABLE');
    if (error.code === 'DH_ERR_BACKEND_TIMEOUT') ctx.metrics.backendTimeouts += 1;
    else ctx.metrics.backendUnavailable += 1;
    if (!isDhError(err)) ctx.logger.error({ err, action }, 'bus request failed');
    else ctx.logger.warn({ code: error.code, action, clientId: envelope.clientId }, 'no reply');
    return {
      v: BUS_SCHEMA_VERSION,
      id: envelope.id,
      clientId: envelope.clientId,
      brokerId: envelope.brokerId,
      reply: errorReplyFrom(action, requestId, error),
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Forwards one request and applies its session effect (ActionHandling `session`: a successful
 * `authenticate` replaces the principal, a `*\/subscribe` registers the subscription) before the
 * reply is published, so the client's next request already sees it.
 */
export async function forwardRequest(
  ctx: BrokerContext,
  session: ClientSession,
  request: RequestMessage,
): Promise<Reply> {
  // A subscription's live events must reach this pod from the moment the gateway reads its
  // replay: the pod listens to the fabric's events before the request leaves (ADR 0009).
  const subscribing = isSubscribeAction(request.action);
  if (subscribing) await ctx.pushInterest.hold();
  try {
    const replied = await sendToGateway(ctx, buildEnvelope(ctx, session, request));
    applyEffect(session, replied);
    if (request.action === 'command/insert' && replied.reply.status === 'success') {
      // For updates that come back without an origin (a remote DeviceHive's, docs/adr/0015).
      const command = replied.reply['command'] as { id?: unknown } | undefined;
      ctx.commandOrigins.record(command?.id, session.clientId);
    }
    return replied.reply;
  } finally {
    // A successful subscription made the session a push target, which holds its own.
    if (subscribing) ctx.pushInterest.release();
  }
}

function applyEffect(session: ClientSession, replied: ReplyEnvelope): void {
  const effect = replied.effect;
  if (!effect || replied.reply.status !== 'success') return;
  switch (effect.kind) {
    case 'authenticate':
      session.principal = effect.principal;
      break;
    case 'subscribe':
      session.addRequestSubscription(effect.subscription, effect.replay);
      break;
  }
}
