import {
  REQUEST_DTOS,
  validateRequest,
  type ActionName,
  type ActionRequest,
  type DeviceEvent,
  type JsonObject,
  type Principal,
  type RequestSubscription,
} from '@dh-mqtt/protocol';
import type { DeviceRecord } from '../repositories/device.repository';
import type { NotificationBatcher, NotificationSlot } from '../repositories/notification-batcher';
import type { DeviceReader } from './device-lookups';
import type { SqlClient } from '../storage/sql-client.port';

/** Process-wide services every action implementation may use. */
export interface CoreServices {
  sql: SqlClient;
  /** Current time; injectable for tests. */
  now(): Date;
  /** JWT signing key material (resolved at start from DH_JWT_SECRET or configuration). */
  jwtSecret: string;
  /**
   * Devices by id: cached when the storage is exclusive (device-cache.ts), else the lookups of one
   * pass in one statement (device-lookups.ts); absent = one query each.
   */
  devices?: DeviceReader | null;
  /** Group commit of notification inserts (notification-batcher.ts); absent = one INSERT each. */
  notifications?: NotificationBatcher | null;
}

/** One call of one action. */
export interface ActionContext extends CoreServices {
  /** Null for an anonymous session (only the no-auth actions get here with null). */
  principal: Principal | null;
  /** MQTT client id of the requester (commands remember it for dh/command_update pushes). */
  clientId: string;
  /**
   * The device the target check (docs/api/README.md step 4) loaded and found visible in this
   * call, so that the action does not look it up a second time. Unset when no check loaded one.
   */
  checkedDevice?: DeviceRecord;
  /**
   * The place this call's row holds in the notification batcher's order, reserved before the
   * target check, when the call is pipelined: the core then told the caller its effects are
   * ordered (`CallContext.sequenced`, docs/adr/0017-pipelined-requests.md,
   * docs/adr/0023-insert-order-reserved-before-the-device-lookup.md). The action fills it.
   */
  notificationSlot?: NotificationSlot;
  /**
   * The request ledger claim to make with the action's write (`CallContext.ledgerClaim`); only
   * for the actions of `CLAIMS_WITH_WRITE` (devicehive.ts).
   */
  ledgerClaim?: string;
}

/** What an action produced besides its reply body. */
export interface ActionOutcome {
  /** Fields of the success reply after action/requestId/status (docs/api/README.md). */
  body: JsonObject;
  /** `authenticate`: the new session principal. */
  principal?: Principal;
  /** `* /subscribe`: the subscription the broker registers, and the events it replays. */
  subscription?: RequestSubscription;
  replay?: DeviceEvent[];
  /** Events for the push path (notification/command inserts and command updates). */
  events?: DeviceEvent[];
}

/**
 * The implementation of action `A`: it gets the typed request `validateRequest` built from the
 * action's DTO (`ActionRequest<A>`), so the shapes, lengths and texts the DTO guarantees are not
 * checked again here; the action adds the checks that need the database. Failures throw a DhError
 * (`@dh-mqtt/protocol`); anything else is a 500.
 */
export type ActionImpl<A extends ActionName> = (
  ctx: ActionContext,
  request: ActionRequest<A>,
) => Promise<ActionOutcome>;

/** Implementations by action; an entry of the wrong request type does not compile. */
export type ActionTable = { readonly [A in ActionName]?: ActionImpl<A> };

/**
 * The typed request of `action`: `request` itself when the caller validated it already (the
 * gateway hands the port `validateRequest`'s DTO instance), else the result of validating it now.
 * Rejects an invalid request with the DTO's DhError (docs/api/README.md texts).
 */
export function typedRequest<A extends ActionName>(
  action: A,
  request: JsonObject | ActionRequest<A>,
): ActionRequest<A> {
  if (request instanceof REQUEST_DTOS[action]) return request as ActionRequest<A>;
  const validated = validateRequest(action, request as JsonObject);
  if (!validated.ok) throw validated.error;
  return validated.request;
}
