import { ERRORS, isErrorReply, type Principal } from '@dh-mqtt/protocol';
import type { BrokerContext } from '../broker-context';
import type { ClientSession } from '../session/client-session';
import { buildEnvelope, sendToGateway } from './forward-request';

export type LoginOutcome =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly returnCode: 3 | 4 | 5 };

/**
 * The CONNECT login of docs/architecture.md / docs/topics/README.md: a `token` request with the
 * credentials, then `authenticate` with the access token; the session effect of the second is
 * the principal. Both share one budget of `connectTimeoutMs`. The credentials travel only inside
 * the bus envelope, never in a log line.
 */
export async function login(
  ctx: BrokerContext,
  session: ClientSession,
  username: string,
  password: string,
): Promise<LoginOutcome> {
  const deadline = Date.now() + ctx.settings.connectTimeoutMs;
  const remaining = () => Math.max(0, deadline - Date.now());

  const token = await sendToGateway(
    ctx,
    buildEnvelope(ctx, session, { action: 'token', login: username, password }, remaining()),
  );
  if (isErrorReply(token.reply)) return refused(token.reply.code, token.reply.error);
  const accessToken = token.reply['accessToken'];
  if (typeof accessToken !== 'string') return { ok: false, returnCode: 3 };

  const auth = await sendToGateway(
    ctx,
    buildEnvelope(ctx, session, { action: 'authenticate', token: accessToken }, remaining()),
  );
  if (isErrorReply(auth.reply)) return refused(auth.reply.code, auth.reply.error);
  if (auth.effect?.kind !== 'authenticate') return { ok: false, returnCode: 3 };
  return { ok: true, principal: auth.effect.principal };
}

function refused(code: number, error: string): LoginOutcome {
  if (error === ERRORS.USER_NOT_ACTIVE.text || code === 403) return { ok: false, returnCode: 5 };
  if (code === 401 || code === 400 || code === 404) return { ok: false, returnCode: 4 };
  return { ok: false, returnCode: 3 };
}
