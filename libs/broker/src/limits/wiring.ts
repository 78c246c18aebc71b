import type { AedesOptions, Client } from 'aedes';
import { isTopicLevelsError } from '../aedes-internals';
import type { BrokerContext } from '../broker-context';

type AuthorizeForward = NonNullable<AedesOptions['authorizeForward']>;

/** `authorizeForward` that also tells the in-flight window whether a packet is being written. */
export function withInflightWindow(
  ctx: Pick<BrokerContext, 'limits'>,
  authorize: AuthorizeForward,
): AuthorizeForward {
  return (client, packet) => {
    const verdict = authorize(client, packet);
    ctx.limits.inflight.noteForward(client, verdict !== null && verdict !== undefined);
    return verdict;
  };
}

/**
 * The limit hits aedes and the transports report only as connection errors: a packet over
 * `DH_MAX_PACKET_SIZE` (the packet size guard's message) and a topic over `DH_MAX_TOPIC_LEVELS`
 * (aedes' message); plus PUBACK/PUBCOMP for the in-flight windows and UNSUBSCRIBE for the
 * subscription counts.
 */
export function observeLimitErrors(ctx: BrokerContext): void {
  const { aedes, limits } = ctx;
  const classify = (_client: Client | null, err: Error) => {
    const message = err?.message ?? '';
    if (message.includes('over the limit')) limits.metrics.hit('packet_size');
    else if (isTopicLevelsError(err)) limits.metrics.hit('topic_levels');
  };
  aedes.on('clientError', classify);
  aedes.on('connectionError', classify);
  aedes.on('ack', (_packet, client) => limits.inflight.acked(client));
  aedes.on('unsubscribe', (filters, client) => {
    const session = ctx.sessions.get(client);
    if (session) limits.forgetFilters(session, filters);
  });
}

/** The peer address of a connection: the socket's, the upgrade request's, or a guard's copy. */
export function remoteAddressOf(
  conn: object,
  req?: { socket?: { remoteAddress?: string } },
): string | undefined {
  return (conn as { remoteAddress?: string }).remoteAddress ?? req?.socket?.remoteAddress;
}
