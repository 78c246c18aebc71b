import { performance } from 'node:perf_hooks';
import { DhError, errorReplyFrom, isPipelined, type Reply } from '@dh-mqtt/protocol';
import type { BrokerContext } from '../broker-context';
import { publishReply } from '../delivery/publish-reply';
import { activateRequestSubscriptions } from '../pushes/local-pushes';
import type { ClientSession } from '../session/client-session';
import { answerInBroker } from '../session/subscription-actions';
import { forwardRequest } from './forward-request';
import { parseRequest } from './parse-request';

/**
 * Handles one `dh/request` publish (docs/topics/request.md). Called synchronously from
 * `authorizePublish`, i.e. in the order the client's packets arrived; the reply (or error reply)
 * is published in that order too. A client with more than `maxPendingRequests` unanswered
 * requests, or over `DH_REQUEST_RATE`, gets an immediate 429 instead of a place in the queue; a
 * subscribe past `DH_MAX_SUBSCRIPTIONS_PER_CLIENT` gets 429 without reaching the gateway.
 */
export function handleRequest(ctx: BrokerContext, session: ClientSession, payload: Buffer): void {
  const { clientId } = session;
  const startedAt = ctx.metrics.requestReceived();
  const parsed = parseRequest(payload, ctx.settings.maxRequestSize);
  if (!ctx.limits.admitRequest(session, ctx.settings.maxPendingRequests)) {
    const action = parsed.ok ? parsed.request.action : null;
    const requestId = parsed.ok ? parsed.request.requestId : null;
    const reply = errorReplyFrom(action, requestId, new DhError('DH_ERR_RATE_LIMITED'));
    answered(ctx, clientId, action, reply, startedAt);
    void publishReply(ctx, clientId, action, reply);
    return;
  }
  if (parsed.ok && isPipelined(parsed.request.action)) {
    const { request } = parsed;
    // docs/adr/0017-pipelined-requests.md: handed on at once behind the client's earlier pipelined
    // requests; the reply still leaves in publish order.
    void session.pipeline(
      (overtaking) => {
        if (overtaking) ctx.metrics.requestsPipelined += 1;
        return forwardRequest(ctx, session, request);
      },
      async (reply) => {
        answered(ctx, clientId, request.action, reply, startedAt);
        await publishReply(ctx, clientId, request.action, reply);
      },
    );
    return;
  }
  void session.enqueue(async () => {
    if (!parsed.ok) {
      answered(ctx, clientId, parsed.action, parsed.reply, startedAt);
      await publishReply(ctx, clientId, parsed.action, parsed.reply);
      return;
    }
    const reply =
      answerInBroker(session, parsed.request) ??
      ctx.limits.refuseRequestSubscription(session, parsed.request) ??
      (await forwardRequest(ctx, session, parsed.request));
    answered(ctx, clientId, parsed.request.action, reply, startedAt);
    await publishReply(ctx, clientId, parsed.request.action, reply);
    // docs/topics/notification.md: a new subscription's replay and pushes follow its reply.
    activateRequestSubscriptions(ctx, session);
  });
}

/**
 * Counts a request (or native publish) whose reply is about to be published, and logs it at
 * debug (docs/operations.md, "Logs").
 */
export function answered(
  ctx: BrokerContext,
  clientId: string,
  action: string | null,
  reply: Reply | { status?: unknown; code?: unknown },
  startedAt: number,
): void {
  const status = reply.status === 'success' ? 'success' : Number(reply.code);
  ctx.metrics.requestAnswered(action, status, startedAt);
  if (ctx.logger.isLevelEnabled('debug')) {
    const durationMs = Math.round((performance.now() - startedAt) * 1000) / 1000;
    ctx.logger.debug({ clientId, action, status, durationMs }, 'request');
  }
}
