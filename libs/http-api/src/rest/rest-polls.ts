import type { ClientSession } from '@dh-mqtt/broker';
import type { DeviceEvent, JsonObject } from '@dh-mqtt/protocol';
import type { ActionFace } from '../face/action-face.port';
import type { EventHub } from '../face/event-hub';
import { activateSubscriptions, routeEvent } from '../face/session-pushes';
import { restResponse, type RestResponse } from './rest-call';
import { booleanValue, idListValue, listValue, wireValue, type RouteInput } from './route-input';

/** `waitTimeout` of the long polls, in seconds (docs/api/rest.md, "Long polling"). */
export const DEFAULT_WAIT_SECONDS = 30;
export const MAX_WAIT_SECONDS = 60;

/** What a long poll runs with. */
export interface PollContext {
  readonly face: ActionFace;
  readonly hub: EventHub;
  readonly session: ClientSession;
  readonly input: RouteInput;
  /** Resolves when the client went away: the poll stops waiting. */
  readonly gone: Promise<void>;
}

/** `waitTimeout`: 0–60 s, default 30; anything else is refused. */
export function waitSeconds(query: URLSearchParams): number | null {
  const text = query.get('waitTimeout');
  if (text === null) return DEFAULT_WAIT_SECONDS;
  if (!/^\d{1,2}$/.test(text) || Number(text) > MAX_WAIT_SECONDS) return null;
  return Number(text);
}

const BAD_WAIT: RestResponse = {
  status: 400,
  body: { error: 400, message: 'waitTimeout must be an integer from 0 to 60' },
};

/**
 * `GET …/notification/poll` and `…/command/poll`, one device or many (docs/api/rest.md): the same
 * `notification/subscribe` / `command/subscribe` a WebSocket client sends (access checks,
 * filters, `timestamp` replay), then the first live match within `waitTimeout` seconds. Answers
 * 200 with the replayed events newer than `timestamp` (`[]` on timeout); the subscription ends
 * with the call.
 */
export async function pollEvents(ctx: PollContext, type: 'notification' | 'command') {
  const wait = waitSeconds(ctx.input.query);
  if (wait === null) return BAD_WAIT;
  const { query, params } = ctx.input;
  const timestamp = query.get('timestamp');
  const request: JsonObject = {
    action: `${type}/subscribe`,
    networkIds: idListValue(query.get('networkIds')),
    deviceTypeIds: idListValue(query.get('deviceTypeIds')),
    names: listValue(query.get('names')),
    timestamp: timestamp ?? undefined,
  };
  if (type === 'command') {
    request['returnUpdatedCommands'] = booleanValue(query.get('returnUpdatedCommands'));
    request['limit'] = wireValue(query.get('limit'));
  }
  const after = timestamp === null ? null : epochOf(timestamp);
  const wanted = (event: DeviceEvent) => after === null || epochOf(event) > after;
  const single = params['deviceId'];
  if (single !== undefined) return collect(ctx, [{ ...request, deviceId: single }], wait, wanted);
  // Many devices by id (`deviceId=a,b`, or `deviceIds`): one subscription each; as the reference
  // does, devices the caller may not see are left out, and none left answers [] at once.
  const ids = listValue(query.get('deviceId') ?? query.get('deviceIds'));
  if (ids === undefined || ids.length === 1) {
    return collect(ctx, [{ ...request, deviceId: ids?.[0] }], wait, wanted);
  }
  const each = ids.map((deviceId) => ({ ...request, deviceId }));
  return collect(ctx, each, wait, wanted, undefined, true);
}

/**
 * `GET /device/{deviceId}/command/{commandId}/poll` (docs/api/rest.md): the command once it has
 * been updated (200), at once when it already was; 204 when no update came within `waitTimeout`
 * or the device has no such command, as the reference answers.
 */
export async function pollCommandUpdate(ctx: PollContext): Promise<RestResponse> {
  const wait = waitSeconds(ctx.input.query);
  if (wait === null) return BAD_WAIT;
  const deviceId = ctx.input.params['deviceId'];
  const commandId = wireValue(ctx.input.params['id']);
  const subscribe = { action: 'command/subscribe', deviceId, returnUpdatedCommands: true };
  const isThis = (event: DeviceEvent) => event.data['id'] === commandId;
  return collect(ctx, [subscribe], wait, isThis, async () => {
    const got = await ctx.face.handleFaceRequest(ctx.session, {
      action: 'command/get',
      deviceId,
      commandId,
    });
    if (got.status === 'error') return got.code === 404 ? { status: 204 } : restResponse(got, '');
    const command = got['command'] as JsonObject;
    const updated =
      command['status'] != null ||
      command['result'] != null ||
      command['lastUpdated'] !== command['timestamp'];
    return updated ? { status: 200, body: command } : null;
  }).then((response) =>
    Array.isArray(response.body) ? pick(response.body as unknown[]) : response,
  );
}

function pick(events: unknown[]): RestResponse {
  return events.length === 0 ? { status: 204 } : { status: 200, body: events[0] };
}

/**
 * Subscribes through the face, optionally checks something first (`early` answers at once when it
 * returns a response), then collects matching events: the replay, or else the first live event
 * within `wait` seconds.
 */
async function collect(
  ctx: PollContext,
  requests: JsonObject[],
  wait: number,
  wanted: (event: DeviceEvent) => boolean,
  early?: () => Promise<RestResponse | null>,
  skipRefused = false,
): Promise<RestResponse> {
  const found: JsonObject[] = [];
  let wake: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => (wake = resolve));
  const push = (_id: number, event: DeviceEvent) => {
    if (!wanted(event)) return;
    found.push(event.data);
    wake();
  };
  const remove = await ctx.hub.add((event) => routeEvent(ctx.session, event, push));
  try {
    let subscribed = 0;
    for (const request of requests) {
      const reply = await ctx.face.handleFaceRequest(ctx.session, {
        ...request,
        action: String(request['action']),
      });
      if (reply.status === 'success') subscribed += 1;
      else if (!skipRefused) return restResponse(reply, '');
    }
    if (subscribed === 0) return { status: 200, body: [] };
    const first = early ? await early() : null;
    if (first) return first;
    activateSubscriptions(ctx.session, push);
    if (found.length === 0 && wait > 0) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, wait * 1000)));
      await Promise.race([arrived, timeout, ctx.gone]);
      clearTimeout(timer);
    }
    return { status: 200, body: found };
  } finally {
    remove();
    ctx.session.requestSubscriptions.clear();
    ctx.session.pendingSubscriptions.clear();
  }
}

/**
 * Epoch ms of a timestamp as the API writes or accepts it (no zone = UTC); of an event, its
 * `timestamp`, or for a command update its `lastUpdated` (the reference filters updated commands
 * by when they were updated, not inserted).
 */
function epochOf(value: string | DeviceEvent): number {
  const text =
    typeof value === 'string'
      ? value
      : String(value.data[value.kind === 'command/update' ? 'lastUpdated' : 'timestamp']);
  const zoned = /(Z|[+-]\d\d:?\d\d)$/i.test(text) || !text.includes('T') ? text : `${text}Z`;
  const parsed = /^\d+$/.test(text) ? Number(text) : Date.parse(zoned);
  return Number.isNaN(parsed) ? Number.NEGATIVE_INFINITY : parsed;
}
