import { randomBytes } from 'node:crypto';
import { AclMarkers } from './support/acl-markers';
import {
  connectObservers,
  filtersOf,
  subscriptionsOf,
  type AclObserver,
  type ObserverRequest,
} from './support/acl-observers';
import { canSeeDevice, hasAction } from './support/acl-oracle';
import { driveTraffic } from './support/acl-traffic';
import { judge, type AclVerdict } from './support/acl-verdict';
import { createAclWorld, type AclTarget, type AclWorld } from './support/acl-world';

export type { AclTarget } from './support/acl-world';
export type { AclVerdict, AclViolation } from './support/acl-verdict';

export interface AclProofOptions {
  /** Names of everything created carry it; random by default. */
  runId?: string;
  /** How long required deliveries may take to arrive after the traffic (default 10 s). */
  deliveryTimeoutMs?: number;
  /** Quiet time after the last required delivery, for late duplicates or leaks (default 500 ms). */
  settleMs?: number;
}

/** How big the matrix was. */
export interface AclProofSize {
  principals: number;
  connections: number;
  devices: number;
  filters: number;
  subscriptions: number;
  events: number;
  guardedAttempts: number;
  requests: number;
  messages: number;
  /** (connection, filter set or subscription, event) cells judged. */
  cells: number;
}

export interface AclProofReport {
  runId: string;
  size: AclProofSize;
  verdict: AclVerdict;
  /** A compact per-principal matrix and the first violations, for a failure message. */
  summary: string;
}

/**
 * The ACL proof (hardening item 3): a generated matrix of principals × subscription styles ×
 * networks × device types × event kinds against a running deployment, asserting from an
 * independent oracle that no push, reply or request reaches a client that may not see it, and that
 * every allowed delivery arrives exactly once (docs/topics/README.md, docs/topics/request.md,
 * docs/topics/notification.md, docs/security.md; docs/api/README.md docs/api/README.md). Works on
 * the embedded product (one URL) and on the cluster (several URLs: the connections are spread over
 * them). Never throws for a violation: the report carries them.
 */
export async function runAclProof(
  target: AclTarget,
  options: AclProofOptions = {},
): Promise<AclProofReport> {
  const runId = options.runId ?? randomBytes(4).toString('hex');
  const world = await createAclWorld(target, runId);
  const markers = new AclMarkers(runId);
  for (const token of world.tokens) markers.addSecret(token);
  let requests = 0;
  const request: ObserverRequest = (observer, body) => {
    requests++;
    return observer.conn.ask(body, markers.owned(observer.conn.clientId));
  };
  const observers: AclObserver[] = [];
  try {
    observers.push(...(await connectObservers(target, world, request)));
    const traffic = await driveTraffic(world, observers, request, markers);
    const deadline = Date.now() + (options.deliveryTimeoutMs ?? 10_000);
    while (judge(world, observers, traffic, markers).pending > 0 && Date.now() < deadline) {
      await sleep(200);
    }
    await sleep(options.settleMs ?? 500);
    const verdict = judge(world, observers, traffic, markers);
    for (const o of observers) {
      if (o.conn.dropped) {
        verdict.violations.push({ kind: 'missing', clientId: o.conn.clientId, detail: 'dropped' });
      }
    }
    const subscriptions = observers.reduce((sum, o) => sum + o.subscriptions.length, 0);
    const size: AclProofSize = {
      principals: world.principals.length,
      connections: observers.length,
      devices: world.devices.length,
      filters: filtersOf(world).length,
      subscriptions: subscriptionsOf(world).length,
      events: traffic.events.length,
      guardedAttempts: traffic.attempts.length,
      requests,
      messages: observers.reduce((sum, o) => sum + o.conn.received.length, 0),
      cells: (observers.length + subscriptions) * traffic.events.length,
    };
    return { runId, size, verdict, summary: summarize(world, observers, verdict, size) };
  } finally {
    await Promise.all(observers.map((o) => o.conn.close()));
  }
}

/**
 * One line per principal: what it may see per device (N notifications, C commands, `·` nothing),
 * its granted filters and subscriptions, required/delivered pushes per style, violation counts.
 */
function summarize(
  world: AclWorld,
  observers: readonly AclObserver[],
  verdict: AclVerdict,
  size: AclProofSize,
): string {
  const kinds = ['forbidden', 'unrequested', 'missing', 'duplicate', 'request-acl'] as const;
  const devices = world.devices.map((d) => d.id.replace(`acl-${world.runId}-`, ''));
  const lines = [
    `ACL proof ${world.runId}: ${JSON.stringify(size)}`,
    `principal                   | ${devices.map((d) => d.padEnd(5)).join(' ')} | filters sub | F req/got | R req/got | ${kinds.join(' ')}`,
  ];
  for (const principal of world.principals) {
    const mine = observers.filter((o) => o.principal === principal);
    const f = mine.find((o) => o.style === 'filters');
    const r = mine.find((o) => o.style === 'requests');
    const tally = (o: AclObserver | undefined) => {
      const t = verdict.tallies.find((x) => x.clientId === o?.conn.clientId);
      return `${t?.required ?? 0}/${t?.delivered ?? 0}`.padStart(9);
    };
    const seen = world.devices.map((d) => {
      const p = principal.oracle;
      const n = hasAction(p, 'GetDeviceNotification') && canSeeDevice(p, d) ? 'N' : '·';
      const c = hasAction(p, 'GetDeviceCommand') && canSeeDevice(p, d) ? 'C' : '·';
      return `${n}${c}`.padEnd(5);
    });
    const counts = kinds.map((kind) =>
      String(
        verdict.violations.filter(
          (v) => v.kind === kind && mine.some((o) => o.conn.clientId === v.clientId),
        ).length,
      ).padStart(kind.length),
    );
    const granted = `${String(f?.granted.length ?? 0).padStart(7)} ${String(r?.subscriptions.filter((s) => s.id !== null).length ?? 0).padStart(3)}`;
    lines.push(
      `${principal.name.padEnd(27)} | ${seen.join(' ')} | ${granted} | ${tally(f)} | ${tally(r)} | ${counts.join(' ')}`,
    );
  }
  const shown = verdict.violations.slice(0, 40);
  for (const v of shown) lines.push(`${v.kind} @ ${v.clientId}: ${v.detail}`);
  if (verdict.violations.length > shown.length) {
    lines.push(`… and ${verdict.violations.length - shown.length} more`);
  }
  return lines.join('\n');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
