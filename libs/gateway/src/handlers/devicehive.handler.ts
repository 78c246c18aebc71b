import type { ActionOutcome, DeviceHivePort } from '@dh-mqtt/devicehive';
import type { ActionName, JsonObject } from '@dh-mqtt/protocol';
import type { ActionHandler, HandlerContext } from './action-handler';

/**
 * Runs an action in DeviceHive through the port: the handler of every action that has no
 * gateway-side logic of its own (all of them today — the rules live in the core).
 */
export class DeviceHiveHandler implements ActionHandler {
  constructor(private readonly deviceHive: DeviceHivePort) {}

  handle(action: ActionName, request: JsonObject, context: HandlerContext): Promise<ActionOutcome> {
    return this.deviceHive.execute(action, request, context);
  }

  claimsWithWrite(action: ActionName): boolean {
    return this.deviceHive.claimsWithWrite?.(action) ?? false;
  }
}
