import type { ActionOutcome } from '@dh-mqtt/devicehive';
import type { ActionName, JsonObject, Principal } from '@dh-mqtt/protocol';

/** Who sent the request; all a handler knows about the session. */
export interface HandlerContext {
  principal: Principal | null;
  clientId: string;
  /** The request's effects are ordered (docs/adr/0017-pipelined-requests.md); optional. */
  sequenced?: () => void;
  /** The ledger claim the action makes with its write (`claimsWithWrite`, docs/adr/0019). */
  ledgerClaim?: string;
}

/**
 * The gateway side of one action (or action group): gets a request that passed the eager id
 * parse, docs/api/README.md steps 1–3 and the DTO validation, and returns the outcome. Knows
 * nothing about the bus or NestJS; fails with a `DhError` (anything else becomes a logged 500).
 */
export interface ActionHandler {
  handle(action: ActionName, request: JsonObject, context: HandlerContext): Promise<ActionOutcome>;
  /**
   * True when the handler makes the request ledger claim of `action` in the statement of its
   * write, given `context.ledgerClaim` (docs/adr/0019-ledger-claim-in-the-insert.md); absent or
   * false: the dispatcher claims before calling `handle`.
   */
  claimsWithWrite?(action: ActionName): boolean;
}
