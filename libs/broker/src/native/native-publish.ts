import {
  DhError,
  Permission,
  canSeeDeviceType,
  canSeeNetwork,
  errorReply,
  errorReplyFrom,
  isErrorReply,
  isPipelined,
  type EventTopic,
  type Principal,
  type Reply,
} from '@dh-mqtt/protocol';
import type { BrokerContext } from '../broker-context';
import { publishReply } from '../delivery/publish-reply';
import { buildEnvelope, forwardRequest, sendToGateway } from '../requests/forward-request';
import { answered } from '../requests/handle-request';
import type { ClientSession } from '../session/client-session';
import { DeviceScopeCache, deviceScopeKey } from './device-scope-cache';
import { nativeRequest } from './native-request';

/** One cache of confirmed device scopes per broker. */
const scopeCaches = new WeakMap<BrokerContext, DeviceScopeCache>();

function scopeCacheOf(ctx: BrokerContext): DeviceScopeCache {
  let cache = scopeCaches.get(ctx);
  if (!cache) scopeCaches.set(ctx, (cache = new DeviceScopeCache()));
  return cache;
}

/**
 * 400 text when the topic's network or device type is not the device's
 * (docs/topics/notification.md).
 */
export const TOPIC_MISMATCH_TEXT = "Topic levels do not match the device's network and device type";

/**
 * Handles one publish on a concrete event topic (docs/topics/notification.md), queued with the
 * client's requests so it runs in publish order with the principal the session has by then (a last
 * will too: the session outlives the connection until the will is handled). The outcome, success or
 * error, goes to `dh/response/{action}@{clientId}` with `requestId: null`:
 * anonymous → 401; malformed → 400/413; a network or device type outside the principal's scope →
 * 403 without a backend call; topic levels that are not the device's → 400
 * {@link TOPIC_MISMATCH_TEXT}; otherwise the gateway's reply to the action. A match is
 * remembered for a moment ({@link DeviceScopeCache}): a stream of publishes costs one lookup.
 */
export function handleNativePublish(
  ctx: BrokerContext,
  session: ClientSession,
  topic: EventTopic,
  payload: Buffer,
): void {
  const { clientId } = session;
  const startedAt = ctx.metrics.requestReceived();
  const native = nativeRequest(topic, payload, ctx.settings.maxRequestSize);
  const { action } = native;
  if (!ctx.limits.admitRequest(session, ctx.settings.maxPendingRequests)) {
    const refused = errorReplyFrom(action, null, new DhError('DH_ERR_RATE_LIMITED'));
    answered(ctx, clientId, action, refused, startedAt);
    void publishReply(ctx, clientId, action, refused);
    return;
  }
  const finish = async (reply: Reply) => {
    answered(ctx, clientId, action, reply, startedAt);
    await publishReply(ctx, clientId, action, reply);
  };
  if (isPipelined(action)) {
    // docs/adr/0017-pipelined-requests.md: handed on without waiting for the earlier outcomes
    // when the scope is known (outcome() then reaches forwardRequest before its first await);
    // otherwise its lookup comes first and later publishes wait for this outcome.
    void session.pipeline(
      (overtaking) => {
        if (overtaking) ctx.metrics.requestsPipelined += 1;
        return outcome();
      },
      finish,
      forwardsAtOnce,
    );
    return;
  }
  void session.enqueue(async () => finish(await outcome()));

  /** Whether outcome() would forward without a backend call first (scope already confirmed). */
  function forwardsAtOnce(): boolean {
    const principal = session.principal;
    return (
      principal !== null &&
      native.ok &&
      canSeeNetwork(principal, topic.networkId) &&
      canSeeDeviceType(principal, topic.deviceTypeId) &&
      scopeCacheOf(ctx).has(scopeKey(principal))
    );
  }

  function scopeKey(principal: Principal): string {
    return deviceScopeKey(principal.userId, topic.deviceId, topic.networkId, topic.deviceTypeId);
  }

  async function outcome(): Promise<Reply> {
    const principal = session.principal;
    if (principal === null) return errorReplyFrom(action, null, new DhError('DH_ERR_UNAUTHORIZED'));
    if (!native.ok) return errorReplyFrom(action, null, native.error);
    if (
      !canSeeNetwork(principal, topic.networkId) ||
      !canSeeDeviceType(principal, topic.deviceTypeId)
    ) {
      return errorReplyFrom(action, null, new DhError('DH_ERR_ACCESS_DENIED'));
    }
    const scopes = scopeCacheOf(ctx);
    const key = scopeKey(principal);
    if (!scopes.has(key)) {
      const mismatch = await checkDeviceScope(ctx, session, principal, topic, action);
      if (mismatch) return mismatch;
      scopes.remember(key);
    }
    return forwardRequest(ctx, session, native.request);
  }
}

/**
 * Whether the topic's network and device type are the device's: a `device/get` run with the
 * session principal plus `GetDevice` (a device token may lack it; the reply is only compared, never
 * shown), so the device is looked up within the principal's own network and device-type scope.
 * Returns the error reply to send instead of the action, or null when the levels match.
 * The check and the action are two backend calls: a device moved between them is inserted for on
 * its new network (README, "Native publishing").
 */
async function checkDeviceScope(
  ctx: BrokerContext,
  session: ClientSession,
  principal: Principal,
  topic: EventTopic,
  action: string,
): Promise<Reply | null> {
  const lookup = hasGetDevice(principal)
    ? principal
    : { ...principal, permissions: [...principal.permissions, Permission.GetDevice] };
  const envelope = buildEnvelope(ctx, session, { action: 'device/get', deviceId: topic.deviceId });
  envelope.principal = lookup;
  const { reply } = await sendToGateway(ctx, envelope);
  if (isErrorReply(reply)) return errorReply(action, null, reply.code, reply.error);
  const device = reply['device'] as { networkId?: unknown; deviceTypeId?: unknown } | undefined;
  if (device?.networkId === topic.networkId && device?.deviceTypeId === topic.deviceTypeId) {
    return null;
  }
  return errorReplyFrom(action, null, new DhError('DH_ERR_VALIDATION', TOPIC_MISMATCH_TEXT));
}

function hasGetDevice(principal: Principal): boolean {
  return principal.permissions.includes(Permission.GetDevice);
}
