import { DhError, type RequestMessage } from '@dh-mqtt/protocol';

const LONG_MAX = 2 ** 63;
/** Decimal notation only: `Number()` would also take `0x10` and `Infinity`, Java does not. */
const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** A Java `Long` as the reference reads one: an integer number, or a string holding one. */
function parseLong(value: unknown): number | undefined {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && DECIMAL.test(value)) n = Number(value);
  else return undefined;
  return Number.isInteger(n) && Math.abs(n) < LONG_MAX ? n : undefined;
}

/**
 * The reference server's eager parse of every request (docs/api/README.md): `deviceId` as a
 * string, `networkId` and `deviceTypeId` as 64-bit integers (numeric strings accepted). A value
 * of the wrong kind fails the whole request with 400 `Malformed Json received.`.
 *
 * Returns the request with those fields normalised (`"5"` → 5, a numeric `deviceId` → its
 * string), so the DTOs and the core see one representation. Absent and null stay as they are.
 */
export function parseEagerIds(request: RequestMessage): RequestMessage {
  const parsed: RequestMessage = { ...request };
  if (request.deviceId != null) {
    const { deviceId } = request;
    if (typeof deviceId === 'string') parsed.deviceId = deviceId;
    else if (typeof deviceId === 'number' || typeof deviceId === 'boolean') {
      parsed.deviceId = String(deviceId);
    } else throw new DhError('DH_ERR_MALFORMED_JSON');
  }
  for (const field of ['networkId', 'deviceTypeId'] as const) {
    if (request[field] == null) continue;
    const id = parseLong(request[field]);
    if (id === undefined) throw new DhError('DH_ERR_MALFORMED_JSON');
    parsed[field] = id;
  }
  return parsed;
}
