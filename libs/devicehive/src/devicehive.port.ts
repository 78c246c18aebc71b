import { DhError, type ActionName, type JsonObject, type Principal } from '@dh-mqtt/protocol';
import type { ActionOutcome } from './core/action';

/** Who is calling: the session principal (null = anonymous) and the MQTT client id. */
export interface CallContext {
  principal: Principal | null;
  clientId: string;
  /**
   * Called once the action's effects are ordered (docs/adr/0017-pipelined-requests.md): the
   * client's next pipelined request may start. Optional; an adapter that never calls it keeps the
   * client's requests strictly one after another.
   */
  sequenced?: () => void;
  /**
   * A bus envelope id to claim in the request ledger (ADR 0006) in the same statement as the
   * action's write (docs/adr/0019-ledger-claim-in-the-insert.md), so that both commit together or
   * neither does. Set only for an action for which the port's `claimsWithWrite` is true. When
   * the id was claimed before, the action stores nothing and rejects with `RequestRanAlready`.
   */
  ledgerClaim?: string;
}

/**
 * The request's ledger claim (`CallContext.ledgerClaim`) was made before: the request ran already
 * (Kafka delivered it again, another gateway or this one ran it). A 503 to the client, as any
 * ledger refusal.
 */
export class RequestRanAlready extends DhError {
  constructor() {
    super('DH_ERR_BACKEND_UNAVAILABLE');
  }
}

/**
 * The DeviceHive port the gateway calls (docs/architecture.md). Narrow on purpose: a second adapter
 * could forward to an existing DeviceHive server over its REST API.
 *
 * `request` has passed the protocol's DTO validation (`validateRequest`; the gateway passes its
 * typed request) and the gateway has checked authentication and the action permission
 * (docs/api/README.md steps 1–3, `checkAccess`); the port checks them again so that no caller can
 * skip them, then does the target check (step 4) and the action. Failures reject with a
 * `DhError`.
 */
export interface DeviceHivePort {
  execute(action: ActionName, request: JsonObject, context: CallContext): Promise<ActionOutcome>;
  /**
   * True when `action` makes its request ledger claim itself, in the statement of its write
   * (`CallContext.ledgerClaim`); absent or false: the caller claims before calling.
   */
  claimsWithWrite?(action: ActionName): boolean;
  /** True when the storage answers (readiness). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
