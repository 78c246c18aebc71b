import type { GatewayBus, RequestHandler } from '@dh-mqtt/bus';
import type { ActionOutcome, CallContext, DeviceHivePort } from '@dh-mqtt/devicehive';
import {
  ALL_PERMISSIONS,
  UserRole,
  type ActionName,
  type DeviceEvent,
  type JsonObject,
  type Principal,
} from '@dh-mqtt/protocol';
import type { GatewayLogger } from '../logger';

/** One recorded `execute` call. */
export interface ExecuteCall {
  action: ActionName;
  request: JsonObject;
  context: CallContext;
}

type Behaviour = (request: JsonObject, context: CallContext) => Promise<ActionOutcome>;

/**
 * A DeviceHive port that records its calls and answers `{ body: {} }` unless told otherwise
 * with {@link FakeDeviceHive.on}.
 */
export class FakeDeviceHive implements DeviceHivePort {
  readonly calls: ExecuteCall[] = [];
  /** Actions that make their ledger claim with their write (`claimsWithWrite`). */
  readonly claimingActions = new Set<ActionName>();
  closed = false;
  private readonly behaviours = new Map<ActionName, Behaviour>();

  /** Sets what `execute(action, …)` does: an outcome to resolve with, or a function. */
  on(action: ActionName, outcome: ActionOutcome | Behaviour): this {
    this.behaviours.set(action, typeof outcome === 'function' ? outcome : async () => outcome);
    return this;
  }

  async execute(action: ActionName, request: JsonObject, context: CallContext) {
    this.calls.push({ action, request, context });
    const behaviour = this.behaviours.get(action);
    return behaviour ? behaviour(request, context) : { body: {} };
  }

  claimsWithWrite(action: ActionName): boolean {
    return this.claimingActions.has(action);
  }

  async ping(): Promise<boolean> {
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/**
 * A gateway bus without a transport: records published events (and the order of what happened,
 * in `log`), and lets a test call the served handler directly with {@link FakeGatewayBus.deliver}.
 */
export class FakeGatewayBus implements GatewayBus {
  readonly events: DeviceEvent[] = [];
  readonly log: string[] = [];
  handler: RequestHandler | undefined;
  started = false;
  closed = false;
  /** When set, publishEvent rejects with it. */
  failWith: unknown;

  serve(handler: RequestHandler): void {
    this.handler = handler;
  }

  async publishEvent(event: DeviceEvent): Promise<void> {
    if (this.failWith !== undefined) throw this.failWith;
    this.events.push(event);
    this.log.push(`event ${event.kind}`);
  }

  async start(): Promise<void> {
    this.started = true;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  deliver: RequestHandler = (envelope) => {
    if (!this.handler) throw new Error('nothing serves this bus');
    return this.handler(envelope);
  };
}

/** A logger that keeps what it was told. */
export class RecordingLogger implements GatewayLogger {
  readonly entries: Array<{ level: string; fields: Record<string, unknown>; message: string }> = [];
  info(fields: Record<string, unknown>, message: string): void {
    this.entries.push({ level: 'info', fields, message });
  }
  warn(fields: Record<string, unknown>, message: string): void {
    this.entries.push({ level: 'warn', fields, message });
  }
  error(fields: Record<string, unknown>, message: string): void {
    this.entries.push({ level: 'error', fields, message });
  }
}

/** A principal of an admin with every permission and no scope limits; `overrides` wins. */
export function buildPrincipal(overrides: Partial<Principal> = {}): Principal {
  return {
    userId: 1,
    login: 'dhadmin',
    role: UserRole.Admin,
    permissions: [...ALL_PERMISSIONS],
    networkIds: '*',
    deviceTypeIds: '*',
    userNetworkIds: '*',
    userDeviceTypeIds: '*',
    ...overrides,
  };
}
