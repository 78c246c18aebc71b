import type { DeviceHivePort } from '@dh-mqtt/devicehive';
import type { ActionName } from '@dh-mqtt/protocol';
import type { ActionHandler } from './action-handler';
import { DeviceHiveHandler } from './devicehive.handler';

/** Gateway-side handlers by action; the ones not listed fall back to the DeviceHive port. */
export type ActionHandlerOverrides = Partial<Record<ActionName, ActionHandler>>;

/**
 * Which handler serves which action. Every action defaults to {@link DeviceHiveHandler}; an
 * action that needs gateway-side work gets its own handler through `overrides` (a vertical
 * slice, CONTRIBUTING.md) without touching the dispatcher.
 */
export class HandlerRegistry {
  private readonly handlers: ReadonlyMap<ActionName, ActionHandler>;

  constructor(
    private readonly fallback: ActionHandler,
    overrides: ActionHandlerOverrides = {},
  ) {
    this.handlers = new Map(
      Object.entries(overrides).filter(
        (entry): entry is [ActionName, ActionHandler] => entry[1] !== undefined,
      ),
    );
  }

  static forDeviceHive(
    deviceHive: DeviceHivePort,
    overrides: ActionHandlerOverrides = {},
  ): HandlerRegistry {
    return new HandlerRegistry(new DeviceHiveHandler(deviceHive), overrides);
  }

  handlerFor(action: ActionName): ActionHandler {
    return this.handlers.get(action) ?? this.fallback;
  }
}
