import {
  BUS_SCHEMA_VERSION,
  type GatewayBus,
  type ReplyEnvelope,
  type RequestEnvelope,
  type RequestSignals,
  type SessionEffect,
} from '@dh-mqtt/bus';
import { RequestRanAlready, type ActionOutcome } from '@dh-mqtt/devicehive';
import {
  checkAccess,
  DhError,
  errorReply,
  errorReplyFrom,
  findAction,
  isDhError,
  successReply,
  validateRequest,
  writesOf,
  type ActionName,
  type JsonObject,
  type Reply,
} from '@dh-mqtt/protocol';
import type { HandlerRegistry } from '../handlers/handler-registry';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import type { GatewayLogger } from '../logger';
import { parseEagerIds } from './eager-ids';
import { ReplyCache, type DedupOptions } from './reply-cache';

/** The outcome of DTO validation, as the dispatcher sees it. */
export type ValidationResult = { ok: true; request: JsonObject } | { ok: false; error: DhError };

/** DTO validation of one request (default: the protocol's `validateRequest`). */
export type RequestValidator = (action: ActionName, payload: JsonObject) => ValidationResult;

/** `validateRequest` of `@dh-mqtt/protocol`; its typed request goes to the port as JSON. */
export const protocolValidator: RequestValidator = (action, payload) => {
  const result = validateRequest(action, payload);
  return result.ok ? { ok: true, request: result.request as unknown as JsonObject } : result;
};

export interface RequestDispatcherOptions {
  handlers: HandlerRegistry;
  /** Where device events go; awaited before the reply is returned. */
  events: Pick<GatewayBus, 'publishEvent'>;
  logger: GatewayLogger;
  /** Request de-duplication by envelope id, in this process. */
  dedup?: DedupOptions;
  /**
   * Request de-duplication shared by every gateway (the database's `dh_request_ledger`): an
   * action that changes something runs only when this gateway is the first to claim the
   * envelope id. Set it wherever the bus may deliver a request twice to different gateways
   * (Kafka); the in-process bus never does.
   */
  ledger?: { claim(id: string): Promise<boolean> };
  /** DTO validation (default: the protocol's `validateRequest`). */
  validate?: RequestValidator;
  /**
   * The broker's request timeout, in ms: named in the error text of a request whose deadline
   * passed before it was handled (default 10 000). The broker has already answered such a
   * request itself; this reply only matters to a broker that is still waiting.
   */
  requestTimeoutMs?: number;
  /** Clock in epoch ms (tests). */
  now?: () => number;
  /** Counts answered requests and ledger refusals (`/metrics`). */
  metrics?: GatewayMetrics;
}

/**
 * Turns a request envelope into its reply envelope: the one place that knows the bus envelope
 * (docs/architecture.md "Request"). In order:
 * 0. a request already answered (same envelope id) gets the same reply, not a second run; one
 *    whose deadline has passed gets `DH_ERR_BACKEND_TIMEOUT` without running;
 * 1. eager id parse, docs/api/README.md (400 `Malformed Json received.`);
 * 2. unknown action, 400 `Illegal argument: <action>`;
 * 3. docs/api/README.md steps 1–3 (401 `Unauthorized`, 403 `Access is denied`);
 * 4. DTO validation;
 * 4b. with a ledger, an action that writes something (the catalog's `writes`) claims the envelope
 *    id; a request another gateway claimed first is not run again and gets 503 (its first run
 *    answers it). An action whose handler `claimsWithWrite` makes the claim in the statement of
 *    its write instead (docs/adr/0019-ledger-claim-in-the-insert.md), with the same outcome;
 * 5. the action's handler (DeviceHive port by default);
 * 6. the outcome's device events are published and acknowledged before the reply leaves;
 * 7. the success reply with the session effect (`authenticate`, `* /subscribe`).
 * A `DhError` anywhere becomes its error reply; anything else a logged 500 whose text never
 * carries internals. `requestId` is echoed unchanged (missing → null). Never rejects.
 */
export class RequestDispatcher {
  private readonly replies: ReplyCache<ReplyEnvelope>;
  private readonly validate: RequestValidator;
  private readonly requestTimeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly options: RequestDispatcherOptions) {
    this.now = options.now ?? Date.now;
    this.replies = new ReplyCache(options.dedup, this.now);
    this.validate = options.validate ?? protocolValidator;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  }

  /**
   * The reply to `envelope`. `signals.sequenced` is passed to the action, which calls it once its
   * effects are ordered (docs/adr/0017-pipelined-requests.md).
   */
  dispatch(envelope: RequestEnvelope, signals?: RequestSignals): Promise<ReplyEnvelope> {
    return this.replies.getOrCreate(envelope.id, () => this.counted(envelope, signals));
  }

  private async counted(
    envelope: RequestEnvelope,
    signals: RequestSignals | undefined,
  ): Promise<ReplyEnvelope> {
    const replied = await this.answer(envelope, signals);
    const { reply } = replied;
    this.options.metrics?.answered(
      typeof envelope.request.action === 'string' ? envelope.request.action : null,
      reply.status === 'success' ? 'success' : reply.code,
    );
    return replied;
  }

  private async answer(
    envelope: RequestEnvelope,
    signals: RequestSignals | undefined,
  ): Promise<ReplyEnvelope> {
    const { request } = envelope;
    const action = typeof request.action === 'string' ? request.action : null;
    const requestId = request.requestId ?? null;
    try {
      if (envelope.deadline <= this.now()) {
        throw new DhError('DH_ERR_BACKEND_TIMEOUT', this.requestTimeoutMs);
      }
      if (action === null) throw new DhError('DH_ERR_MALFORMED_JSON');
      const parsed = parseEagerIds(request);
      const spec = findAction(action);
      if (!spec) throw new DhError('DH_ERR_ILLEGAL_ACTION', action);
      const name = action as ActionName;
      checkAccess(spec, envelope.principal);
      const validated = this.validate(name, parsed);
      if (!validated.ok) throw validated.error;
      const { ledger } = this.options;
      const handler = this.options.handlers.handlerFor(name);
      // Running an action that writes nothing twice is harmless: no ledger write for a read.
      const claims = ledger !== undefined && writesOf(name) !== 'nothing';
      const claimsWithWrite = claims && handler.claimsWithWrite?.(name) === true;
      if (claims && !claimsWithWrite) await this.claim(ledger, envelope, name);
      const outcome = await handler
        .handle(name, validated.request, {
          principal: envelope.principal,
          clientId: envelope.clientId,
          ...(signals ? { sequenced: signals.sequenced } : {}),
          ...(claimsWithWrite ? { ledgerClaim: envelope.id } : {}),
        })
        .catch((error: unknown) => {
          if (error instanceof RequestRanAlready) this.ranAlready(envelope, name);
          throw error;
        });
      await this.publishEvents(envelope, outcome);
      return this.envelope(
        envelope,
        successReply(action, requestId, outcome.body),
        effectOf(outcome),
      );
    } catch (error) {
      return this.envelope(envelope, this.errorReplyFor(envelope, action, requestId, error));
    }
  }

  /** Claims the envelope id in the ledger, or throws the 503 of a request that ran already. */
  private async claim(
    ledger: NonNullable<RequestDispatcherOptions['ledger']>,
    envelope: RequestEnvelope,
    action: ActionName,
  ): Promise<void> {
    let claimed: boolean;
    try {
      claimed = await ledger.claim(envelope.id);
    } catch (error) {
      this.options.logger.error(
        { err: error, action, envelopeId: envelope.id },
        'request ledger unavailable',
      );
      throw new DhError('DH_ERR_BACKEND_UNAVAILABLE');
    }
    if (claimed) return;
    this.ranAlready(envelope, action);
    throw new DhError('DH_ERR_BACKEND_UNAVAILABLE');
  }

  /** Counts and logs a request the ledger refused to run twice. */
  private ranAlready(envelope: RequestEnvelope, action: ActionName): void {
    this.options.metrics?.ledgerRefused();
    this.options.logger.warn(
      { action, envelopeId: envelope.id, clientId: envelope.clientId },
      'request delivered again after another gateway ran it; not run twice',
    );
  }

  private async publishEvents(envelope: RequestEnvelope, outcome: ActionOutcome): Promise<void> {
    for (const event of outcome.events ?? []) {
      try {
        await this.options.events.publishEvent(event);
      } catch (error) {
        // The action is done but its push may be lost: the client must not get a plain success.
        this.options.logger.error(
          { err: error, envelopeId: envelope.id, clientId: envelope.clientId, kind: event.kind },
          'device event could not be published',
        );
        throw new DhError('DH_ERR_BACKEND_UNAVAILABLE');
      }
    }
  }

  private errorReplyFor(
    envelope: RequestEnvelope,
    action: string | null,
    requestId: unknown,
    error: unknown,
  ): Reply {
    if (isDhError(error)) return errorReplyFrom(action, requestId, error);
    this.options.logger.error(
      { err: error, action, envelopeId: envelope.id, clientId: envelope.clientId },
      'request failed',
    );
    const internal = new DhError('DH_ERR_INTERNAL');
    return errorReply(action, requestId, internal.status, internal.message);
  }

  private envelope(request: RequestEnvelope, reply: Reply, effect?: SessionEffect): ReplyEnvelope {
    const envelope: ReplyEnvelope = {
      v: BUS_SCHEMA_VERSION,
      id: request.id,
      clientId: request.clientId,
      brokerId: request.brokerId,
      reply,
    };
    if (effect) envelope.effect = effect;
    return envelope;
  }
}

/** The broker-side session change an outcome asks for (ActionHandling `session`). */
function effectOf(outcome: ActionOutcome): SessionEffect | undefined {
  if (outcome.principal) return { kind: 'authenticate', principal: outcome.principal };
  if (outcome.subscription) {
    return { kind: 'subscribe', subscription: outcome.subscription, replay: outcome.replay ?? [] };
  }
  return undefined;
}
