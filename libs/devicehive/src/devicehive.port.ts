import type { ActionName, JsonObject, Principal } from '@dh-mqtt/protocol';
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
  /** True when the storage answers (readiness). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
