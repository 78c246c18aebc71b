// Test fixtures of the push specs (not part of the broker API).
import {
  ALL_PERMISSIONS,
  CLIENT_PERMISSIONS,
  Permission,
  UserRole,
  type DeviceEvent,
  type Principal,
} from '@dh-mqtt/protocol';
import { buildPrincipal } from './index';

/** Logins of the push specs and their principals. */
export const PRINCIPALS: ReadonlyMap<string, Principal> = new Map([
  ['admin', buildPrincipal()],
  [
    'client1',
    buildPrincipal({
      userId: 2,
      login: 'client1',
      role: UserRole.Client,
      permissions: CLIENT_PERMISSIONS,
      userNetworkIds: [1],
      userDeviceTypeIds: '*',
    }),
  ],
  [
    'blind',
    buildPrincipal({
      userId: 3,
      login: 'blind',
      permissions: ALL_PERMISSIONS.filter(
        (p) => p !== Permission.GetDeviceNotification && p !== Permission.GetDeviceCommand,
      ),
    }),
  ],
  [
    'notifier',
    buildPrincipal({
      userId: 4,
      login: 'notifier',
      permissions: ALL_PERMISSIONS.filter((p) => p !== Permission.GetDeviceCommand),
    }),
  ],
]);

let nextId = 100;

/** A notification event of device `d1` in network 1, device type 1, unless overridden. */
export function notificationEvent(overrides: Partial<DeviceEvent> = {}): DeviceEvent {
  const base = { deviceId: 'd1', networkId: 1, deviceTypeId: 1, name: 'temp', ...overrides };
  return {
    kind: 'notification/insert',
    ...base,
    data: {
      id: nextId++,
      notification: base.name,
      deviceId: base.deviceId,
      networkId: base.networkId,
      deviceTypeId: base.deviceTypeId,
      timestamp: '2024-01-02T03:04:05.678',
      parameters: { t: 20.5 },
    },
    ...(overrides.data ? { data: overrides.data } : {}),
  };
}

/** A command event (insert unless `kind` says update) of device `d1`, inserted by `origin`. */
export function commandEvent(
  kind: 'command/insert' | 'command/update',
  origin: string | null,
  overrides: Partial<DeviceEvent> = {},
): DeviceEvent {
  const base = { deviceId: 'd1', networkId: 1, deviceTypeId: 1, name: 'light', ...overrides };
  return {
    kind,
    ...base,
    originClientId: origin,
    data: {
      id: nextId++,
      command: base.name,
      timestamp: '2024-01-02T03:04:05.678',
      lastUpdated: '2024-01-02T03:04:06.000',
      userId: 1,
      deviceId: base.deviceId,
      networkId: base.networkId,
      deviceTypeId: base.deviceTypeId,
      parameters: { on: true },
      lifetime: null,
      status: kind === 'command/update' ? 'done' : null,
      result: null,
    },
  };
}
