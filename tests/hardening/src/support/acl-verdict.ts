import type { AclMarkers } from './acl-markers';
import type { AclObserver } from './acl-observers';
import {
  eventTopic,
  filterDeliveryRequired,
  mayReceive,
  subscriptionDeliveryRequired,
  subscriptionMayBeRefused,
  type OracleEvent,
} from './acl-oracle';
import type { AclTraffic } from './acl-traffic';
import type { AclWorld } from './acl-world';

/**
 * - `forbidden`: a principal got a push, reply or request it may not see (the security failure);
 * - `unrequested`: an allowed event no filter or subscription of that connection asked for;
 * - `missing` / `duplicate`: a required delivery arrived 0 or more than once
 *   (docs/topics/notification.md);
 * - `request-acl`: a guarded request accepted or refused against the oracle (docs/api/README.md).
 */
export type AclViolationKind =
  'forbidden' | 'unrequested' | 'missing' | 'duplicate' | 'request-acl';

export interface AclViolation {
  kind: AclViolationKind;
  clientId: string;
  detail: string;
}

/** Per-connection tallies of event deliveries. */
export interface AclTally {
  clientId: string;
  principal: string;
  required: number;
  delivered: number;
}

export interface AclVerdict {
  violations: AclViolation[];
  tallies: AclTally[];
  /** Required (connection, subscription or filter set, event) deliveries still absent. */
  pending: number;
}

const ACTION_OF = {
  notification: 'notification/insert',
  command: 'command/insert',
  command_update: 'command/update',
} as const;

/** The event marker of a push payload (see `acl-traffic.ts`), or null. */
function markerOf(body: Record<string, unknown> | null): string | null {
  const object = (body?.['notification'] ?? body?.['command']) as
    Record<string, unknown> | undefined;
  if (!object) return null;
  const source = body?.['action'] === 'command/update' ? object['result'] : object['parameters'];
  const marker = (source as Record<string, unknown> | null | undefined)?.[
    body?.['action'] === 'command/update' ? 'u' : 'm'
  ];
  return typeof marker === 'string' ? marker : null;
}

/**
 * Judges everything every observer received against the oracle (see `acl-oracle.ts`).
 * Messages about devices outside this run's world are ignored (a shared deployment has other
 * traffic); `dh/request` and planted markers are judged on every message.
 */
export function judge(
  world: AclWorld,
  observers: readonly AclObserver[],
  traffic: AclTraffic,
  markers: AclMarkers,
): AclVerdict {
  const violations: AclViolation[] = [];
  const tallies: AclTally[] = [];
  const byMarker = new Map(traffic.events.map((e) => [e.marker, e]));
  const ours = new Set(world.devices.map((d) => d.id));
  let pending = 0;

  for (const attempt of traffic.attempts) {
    const accepted = attempt.reply['status'] === 'success';
    if (accepted !== (attempt.expected === 'accepted')) {
      violations.push({
        kind: accepted ? 'forbidden' : 'request-acl',
        clientId: attempt.by,
        detail: `${attempt.action} on ${attempt.deviceId} expected ${attempt.expected}, got ${JSON.stringify(attempt.reply).slice(0, 160)}`,
      });
    }
  }

  for (const o of observers) {
    const id = o.conn.clientId;
    const p = o.principal.oracle;
    const add = (kind: AclViolationKind, detail: string) =>
      violations.push({ kind, clientId: id, detail });
    const filterCount = new Map<string, number>();
    const subCount = new Map<string, number>();
    const replyCount = new Map<string, number>();
    const subIds = new Set(o.subscriptions.flatMap((s) => (s.id === null ? [] : [s.id])));

    for (const m of o.conn.received) {
      for (const leak of markers.leaksIn(m.text, id)) {
        add(
          'forbidden',
          `planted ${leak.slice(0, 24)}… (owner ${markers.ownerOf(leak) ?? 'nobody'}) on ${m.topic}`,
        );
      }
      if (m.topic === 'dh/request' || m.topic.endsWith('/request')) {
        add('forbidden', `request payload on ${m.topic}: ${m.text.slice(0, 120)}`);
        continue;
      }
      if (m.topic.startsWith('dh/response/')) {
        if (!m.topic.endsWith(`@${id}`)) add('forbidden', `someone else's reply on ${m.topic}`);
        const rid = m.body?.['requestId'];
        if (typeof rid === 'string') replyCount.set(rid, (replyCount.get(rid) ?? 0) + 1);
        continue;
      }
      const kind = /^dh\/(notification|command|command_update)\//.exec(m.topic)?.[1];
      if (!kind) continue;
      const deviceId = m.topic.split('/')[4] ?? '';
      const event = byMarker.get(markerOf(m.body) ?? '');
      if (!event) {
        if (ours.has(deviceId))
          add('forbidden', `event that was never accepted on ${m.topic}: ${m.text.slice(0, 120)}`);
        continue;
      }
      if (m.topic !== eventTopic(event) || m.body?.['action'] !== ACTION_OF[event.kind]) {
        add(
          'forbidden',
          `${event.marker} delivered as ${String(m.body?.['action'])} on ${m.topic}`,
        );
      }
      const sid = m.body?.['subscriptionId'];
      if (sid === null || sid === undefined) {
        filterCount.set(event.marker, (filterCount.get(event.marker) ?? 0) + 1);
      } else if (typeof sid === 'number' && subIds.has(sid)) {
        const key = `${sid}|${event.marker}`;
        subCount.set(key, (subCount.get(key) ?? 0) + 1);
      } else {
        add(
          'forbidden',
          `${event.marker} with a subscriptionId not of this connection: ${String(sid)}`,
        );
      }
    }

    let required = 0;
    let delivered = 0;
    const check = (what: string, event: OracleEvent, must: boolean, got: number) => {
      if (must) required++;
      delivered += got;
      const label = `${event.kind} ${event.marker} (${event.device.id}/${event.name}) ${what}`;
      if (got > 0 && !mayReceive(p, event)) add('forbidden', `${label} ×${got}`);
      else if (got > 0 && !must) {
        const notOrigin =
          event.kind === 'command_update' && event.commandOrigin !== id && what === 'by filter';
        add(
          notOrigin ? 'forbidden' : 'unrequested',
          `${label} ×${got}${notOrigin ? ' (not the command’s origin)' : ''}`,
        );
      } else if (must && got === 0) {
        add('missing', label);
        pending++;
      } else if (got > 1) add('duplicate', `${label} ×${got}`);
    };
    for (const event of traffic.events) {
      check(
        'by filter',
        event,
        filterDeliveryRequired(p, id, o.granted, event),
        filterCount.get(event.marker) ?? 0,
      );
      for (const s of o.subscriptions) {
        if (s.id === null) continue;
        const must = subscriptionDeliveryRequired(
          p,
          world.oracleWorld,
          s.spec,
          world.devices,
          event,
        );
        check(
          `by ${JSON.stringify(s.spec)}`,
          event,
          must,
          subCount.get(`${s.id}|${event.marker}`) ?? 0,
        );
      }
    }
    for (const s of o.subscriptions) {
      if (s.id === null && !subscriptionMayBeRefused(p, world.oracleWorld, s.spec, world.devices)) {
        add(
          'missing',
          `subscription ${JSON.stringify(s.spec)} refused: ${JSON.stringify(s.reply)}`,
        );
      }
    }
    const requestTopicGranted = o.style === 'filters' && !o.refused.includes('dh/request');
    if (o.refused.includes('dh/response/#') || requestTopicGranted) {
      add('forbidden', `SUBACK: granted ${o.granted.join(' ')}; refused ${o.refused.join(' ')}`);
    }
    for (const rid of markers.ownedBy(id).filter((m) => m.startsWith('R'))) {
      const got = replyCount.get(rid) ?? 0;
      if (got !== 1) add(got === 0 ? 'missing' : 'duplicate', `reply to ${rid} ×${got}`);
    }
    tallies.push({ clientId: id, principal: o.principal.name, required, delivered });
  }
  return { violations, tallies, pending };
}
