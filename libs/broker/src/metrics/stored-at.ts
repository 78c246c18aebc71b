import type { PublishPacket } from 'aedes';

const TIMESTAMP = Buffer.from('"timestamp":"');
const LAST_UPDATED = Buffer.from('"lastUpdated":"');
/** `yyyy-MM-ddTHH:mm:ss.SSS`: the wire timestamp (UTC, no zone). */
const WIRE_TIMESTAMP_LENGTH = 23;

/** Read once per payload: a routed event is one payload for every subscriber of a pod. */
const cache = new WeakMap<object, number>();

/**
 * When the event a push carries was stored, in epoch ms, from its payload: `lastUpdated` of a
 * command update, `timestamp` otherwise (the first one in the payload: the entity's, which the
 * push payload writes before `parameters`). 0 when there is none.
 */
export function storedAtOf(packet: PublishPacket, commandUpdate: boolean): number {
  const payload = packet.payload;
  if (typeof payload === 'string') return 0;
  const known = cache.get(payload);
  if (known !== undefined) return known;
  const needle = commandUpdate ? LAST_UPDATED : TIMESTAMP;
  const at = payload.indexOf(needle);
  let stored = 0;
  if (at >= 0) {
    const start = at + needle.length;
    const text = payload.toString('latin1', start, start + WIRE_TIMESTAMP_LENGTH);
    const parsed = Date.parse(`${text}Z`);
    if (Number.isFinite(parsed)) stored = parsed;
  }
  cache.set(payload, stored);
  return stored;
}
