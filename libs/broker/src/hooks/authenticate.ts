import { canOwnTopics } from '@dh-mqtt/protocol';
import type { AedesOptions, AuthenticateError } from 'aedes';
import type { BrokerContext } from '../broker-context';
import { remoteAddressOf } from '../limits/wiring';
import type { ConnectResult } from '../metrics/broker-metrics';
import { login, type LoginOutcome } from '../requests/login';
import { isAcceptableWireText } from './wire-text';

type Authenticate = NonNullable<AedesOptions['authenticate']>;
type PreConnect = NonNullable<AedesOptions['preConnect']>;

/** The CONNECT hooks, sharing what `preConnect` saw of the packet with `authenticate`. */
export interface ConnectHooks {
  preConnect: PreConnect;
  authenticate: Authenticate;
}

/** CONNACK return codes of MQTT 3.1.1 §3.2.2.3 used here. */
export const ConnackCode = {
  IdentifierRejected: 2,
  ServerUnavailable: 3,
  BadUsernameOrPassword: 4,
  NotAuthorized: 5,
} as const;

/**
 * Whether a client id is accepted (docs/reliability.md): at most `maxLength` characters and able to
 * own reply topics — no `+`, `#`, NUL or ill-formed UTF-8 (U+FFFD, see `wire-text.ts`). `/`, `@`,
 * spaces and names like `__proto__` are accepted: the owner of `dh/response/{action}@{owner}` is
 * everything after the first `@`, and sessions live in Maps. An empty id (clean session) gets an
 * aedes-generated one.
 */
export function isAcceptableClientId(clientId: string, maxLength: number): boolean {
  return clientId.length <= maxLength && canOwnTopics(clientId) && isAcceptableWireText(clientId);
}

/**
 * aedes `preConnect` and `authenticate` (docs/topics/ordinary-and-sys.md, docs/security.md):
 * - an empty client id asks the server for one, which only a clean session may do
 *   ([MQTT-3.1.3-8]: CONNACK 2 otherwise; with a clean session aedes assigns `aedes_<uuid>`
 *   [MQTT-3.1.3-6]); aedes has replaced the empty id by the time `authenticate` runs, so
 *   `preConnect` remembers which clients asked;
 * - the client id must be acceptable (CONNACK 2);
 * - without credentials the session is anonymous, or refused with CONNACK 5 when
 *   `DH_ALLOW_ANONYMOUS` is off;
 * - with a username, the login goes through the gateway (`token` then `authenticate`): bad
 *   credentials → 4, locked or disabled → 5, no answer → 3.
 */
export function createConnectHooks(ctx: BrokerContext): ConnectHooks {
  const emptyIdWithoutCleanSession = new WeakSet<object>();
  const allowAnonymous = ctx.settings.allowAnonymous ?? true;
  return {
    preConnect: (client, packet, callback) => {
      if (packet.clientId === '' && !packet.clean) emptyIdWithoutCleanSession.add(client);
      callback(null, true);
    },
    authenticate: (client, username, password, authenticated) => {
      const done = (error: AuthenticateError | null, ok: boolean) => {
        const result = error ? (RESULT_OF_CODE[error.returnCode] ?? 'not_authorized') : 'accepted';
        ctx.metrics.connect(result);
        // One line per refused CONNECT, with the reason; accepted ones log when aedes has sent
        // CONNACK ('client' in broker.ts). Never the password.
        if (error) {
          ctx.logger.info(
            {
              clientId: client.id,
              remoteAddress: remoteAddressOf(client.conn, client.req),
              username,
              returnCode: error.returnCode,
              result,
            },
            error.message,
          );
        }
        authenticated(error, ok);
      };
      if (emptyIdWithoutCleanSession.has(client)) {
        return done(
          refusal(ConnackCode.IdentifierRejected, 'connect refused: identifier rejected'),
          false,
        );
      }
      if (!isAcceptableClientId(client.id, ctx.settings.maxClientIdLength)) {
        if (client.id.length > ctx.settings.maxClientIdLength)
          ctx.limits.metrics.hit('client_id_length');
        return done(
          refusal(ConnackCode.IdentifierRejected, 'connect refused: identifier rejected'),
          false,
        );
      }
      if (!fitsReplyTopics(client.id, ctx.limits.settings.maxTopicLevels)) {
        ctx.limits.metrics.hit('topic_levels');
        return done(
          refusal(ConnackCode.IdentifierRejected, 'connect refused: identifier rejected'),
          false,
        );
      }
      const anonymous = username === undefined && password === undefined;
      if (anonymous && !allowAnonymous) {
        return done(refusal(ConnackCode.NotAuthorized, 'anonymous connect refused'), false);
      }
      const session = ctx.sessions.open(client);
      ctx.limits.holdReadsWhenBehind(session, client);
      if (anonymous) return done(null, true);
      login(ctx, session, username ?? '', password?.toString('utf8') ?? '').then(
        (outcome: LoginOutcome) => {
          if (outcome.ok) {
            session.principal = outcome.principal;
            return done(null, true);
          }
          done(refusal(outcome.returnCode, 'login refused'), false);
        },
        (err: unknown) => {
          ctx.logger.error({ err, clientId: client.id }, 'login failed');
          done(refusal(ConnackCode.ServerUnavailable, 'login failed: server unavailable'), false);
        },
      );
    },
  };
}

/**
 * Whether `dh/response/{a}/{b}@{clientId}` (4 levels + the id's own `/`) stays within
 * `DH_MAX_TOPIC_LEVELS`: aedes refuses to route deeper topics, so such a client would never get a
 * reply.
 */
function fitsReplyTopics(clientId: string, maxTopicLevels: number): boolean {
  let levels = 4;
  for (let i = 0; i < clientId.length; i++) if (clientId.charCodeAt(i) === 0x2f) levels++;
  return levels <= maxTopicLevels;
}

/** `dh_mqtt_connects_total{result}` of a CONNACK return code. */
const RESULT_OF_CODE: Record<number, ConnectResult> = {
  [ConnackCode.IdentifierRejected]: 'identifier_rejected',
  [ConnackCode.ServerUnavailable]: 'server_unavailable',
  [ConnackCode.BadUsernameOrPassword]: 'bad_credentials',
  [ConnackCode.NotAuthorized]: 'not_authorized',
};

function refusal(returnCode: number, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}
