import { DhError, errorReplyFrom, type Reply, type RequestMessage } from '@dh-mqtt/protocol';
import type { BrokerContext } from '../broker-context';
import type { ClientSession } from '../session/client-session';
import { answerInBroker } from '../session/subscription-actions';
import { answered } from './handle-request';
import { forwardRequest } from './forward-request';

/**
 * One request of a session of another face (the REST and WebSocket APIs, docs/adr/0012), handled
 * exactly as a `dh/request` of an MQTT session (docs/topics/request.md): the same pending-request
 * and rate limits (429), the same answers from session state (`subscription/list`,
 * `*\/unsubscribe`), the same subscription limit, the same envelope to the gateway, with its
 * session effect applied (`authenticate` sets the principal, `*\/subscribe` adds a pending
 * subscription) before the reply resolves. Requests of one session are answered in order.
 * Never rejects.
 */
export function handleFaceRequest(
  ctx: BrokerContext,
  session: ClientSession,
  request: RequestMessage,
): Promise<Reply> {
  const startedAt = ctx.metrics.requestReceived();
  const { action, requestId } = request;
  if (!ctx.limits.admitRequest(session, ctx.settings.maxPendingRequests)) {
    const reply = errorReplyFrom(action, requestId, new DhError('DH_ERR_RATE_LIMITED'));
    answered(ctx, session.clientId, action, reply, startedAt);
    return Promise.resolve(reply);
  }
  let reply: Reply | undefined;
  return session
    .enqueue(async () => {
      reply =
        answerInBroker(session, request) ??
        ctx.limits.refuseRequestSubscription(session, request) ??
        (await forwardRequest(ctx, session, request));
      answered(ctx, session.clientId, action, reply, startedAt);
    })
    .then(
      () => reply as Reply,
      (err: unknown) => {
        ctx.logger.error({ err, action }, 'request of another face failed');
        return errorReplyFrom(action, requestId, new DhError('DH_ERR_INTERNAL'));
      },
    );
}
