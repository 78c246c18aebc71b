import { generate, type Packet } from 'mqtt-packet';
import { connackCode, rawExchange, splice, type FuzzTarget, type RawOutcome } from './raw-socket';

/** A seeded PRNG (mulberry32): a run is replayed from its seed. */
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)];

export interface AttackContext {
  target: FuzzTarget;
  random: Random;
  /** The broker's `DH_CONNECT_TIMEOUT_MS`: how long a silent socket may stay open. */
  connectTimeoutMs: number;
  /** The broker's `DH_MAX_PACKET_SIZE`. */
  maxPacketSize: number;
}

/** One attack class of docs/reliability.md; returns what the broker did wrong (empty = nothing). */
export interface Attack {
  readonly name: string;
  run(context: AttackContext): Promise<string[]>;
}

/** A well-formed MQTT 3.1.1 CONNECT. */
export const connectPacket = (clientId: string, extra: Partial<Packet> = {}): Buffer =>
  generate({ cmd: 'connect', clientId, protocolId: 'MQTT', protocolVersion: 4, clean: true, keepalive: 30, ...extra } as Packet); // prettier-ignore
const publish = (topic: string, payload: string | Buffer, qos: 0 | 1 | 2 = 0, messageId = 1) =>
  generate({ cmd: 'publish', topic, payload, qos, retain: false, dup: false, messageId });
const subscribe = (topic: string, messageId = 1) =>
  generate({ cmd: 'subscribe', messageId, subscriptions: [{ topic, qos: 1 }] });

/** Violations when the broker accepted a CONNECT it must refuse. */
function refused(what: string, outcome: RawOutcome): string[] {
  return connackCode(outcome) === 0 ? [`${what}: accepted (CONNACK 0)`] : [];
}

/** Violations when the broker kept a connection it must close. */
function closed(what: string, outcome: RawOutcome): string[] {
  return outcome.closedByServer ? [] : [`${what}: connection left open`];
}

const once = (name: string, run: Attack['run']): Attack => ({ name, run });

/** The attack classes of docs/reliability.md, each a few raw connections. */
export const ATTACKS: readonly Attack[] = [
  once('huge remaining length, then a trickle', async ({ target, maxPacketSize }) => {
    // CONNECT declaring 256 MiB (the MQTT maximum), then 16 KiB every 5 ms.
    const header = Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f]);
    const outcome = await rawExchange(target, {
      chunks: [header],
      trickle: { chunk: Buffer.alloc(16_384, 0x41), everyMs: 5, maxBytes: 8 * maxPacketSize },
      waitMs: 3_000,
    });
    const problems = closed('declared 256 MiB', outcome);
    if (outcome.bytesWritten > 2 * maxPacketSize) {
      problems.push(`declared 256 MiB: accepted ${outcome.bytesWritten} bytes before closing`);
    }
    return problems;
  }),

  once('non-CONNECT first packet', async ({ target }) => {
    const firsts = [publish('dh/request', '{"action":"server/info"}'), subscribe('#'), generate({ cmd: 'pingreq' }), Buffer.from([0xf0, 0x00])]; // prettier-ignore
    const problems: string[] = [];
    for (const first of firsts) {
      const outcome = await rawExchange(target, {
        chunks: [first],
        waitMs: 2_000,
        untilConnack: true,
      });
      problems.push(...closed(`first packet 0x${first[0].toString(16)}`, outcome));
    }
    return problems;
  }),

  once('CONNECT with a bad protocol name or level', async ({ target }) => {
    const base = connectPacket('fuzz-proto');
    const problems: string[] = [];
    for (const [name, bytes] of [
      ['MQTX', [0x4d, 0x51, 0x54, 0x58]],
      ['HTTP', [0x48, 0x54, 0x54, 0x50]],
    ] as const) {
      const outcome = await rawExchange(target, {
        chunks: [splice(base, 'MQTT', [...bytes])],
        waitMs: 2_000,
        untilConnack: true,
      });
      problems.push(...refused(`protocol name ${name}`, outcome));
    }
    for (const level of [0, 2, 6, 7, 255]) {
      const packet = Buffer.from(base);
      packet[packet.indexOf('MQTT', 0, 'latin1') + 4] = level;
      const outcome = await rawExchange(target, {
        chunks: [packet],
        waitMs: 2_000,
        untilConnack: true,
      });
      problems.push(...refused(`protocol level ${level}`, outcome));
    }
    return problems;
  }),

  once(
    'invalid UTF-8, NUL and wildcards in client ids and usernames',
    async ({ target, random }) => {
      const problems: string[] = [];
      const hostile: [string, number[]][] = [
        ['ill-formed UTF-8', [0xc3, 0x28, 0x41, 0x41]],
        ['NUL', [0x41, 0x00, 0x41, 0x41]],
        ['UTF-16 surrogate as UTF-8', [0xed, 0xa0, 0x80, 0x41]],
      ];
      for (const [what, bytes] of hostile) {
        const clientId = await rawExchange(target, {
          chunks: [splice(connectPacket('fz-ZZZZ'), 'ZZZZ', bytes)],
          waitMs: 2_000,
          untilConnack: true,
        });
        problems.push(...refused(`client id with ${what}`, clientId));
        const login = connectPacket('fz-user', {
          username: 'u-ZZZZ',
          password: Buffer.from('dhadmin_#911'),
        });
        const username = await rawExchange(target, {
          chunks: [splice(login, 'ZZZZ', bytes)],
          waitMs: 2_000,
          untilConnack: true,
        });
        problems.push(...refused(`username with ${what}`, username));
      }
      for (const wildcard of ['#', '+', 'a/#', 'x/+/y']) {
        const byId = await rawExchange(target, {
          chunks: [connectPacket(wildcard)],
          waitMs: 2_000,
          untilConnack: true,
        });
        problems.push(...refused(`client id ${wildcard}`, byId));
        const login = connectPacket(`fz-${Math.floor(random() * 1e9)}`, {
          username: wildcard,
          password: Buffer.from('dhadmin_#911'),
        });
        const byName = await rawExchange(target, {
          chunks: [login],
          waitMs: 2_000,
          untilConnack: true,
        });
        problems.push(...refused(`username ${wildcard}`, byName));
      }
      return problems;
    },
  ),

  once('hostile topics after an anonymous CONNECT', async ({ target }) => {
    const problems: string[] = [];
    const topics: [string, Buffer][] = [
      ['$SYS publish', publish('$SYS/fuzz', 'x')],
      ['$-topic publish', publish('$fuzz/topic', 'x')],
      ['wildcard publish #', publish('dh/#', 'x')],
      ['wildcard publish +', publish('a/+/b', 'x')],
      ['NUL in topic', splice(publish('t/ZZZZ', 'x'), 'ZZZZ', [0x41, 0x00, 0x41, 0x41])],
      ['ill-formed UTF-8 topic', splice(publish('t/ZZZZ', 'x'), 'ZZZZ', [0xff, 0xfe, 0x41, 0x41])],
      ['10k-level publish', publish('a/'.repeat(10_000) + 'a', 'x')],
      ['10k-level subscribe', subscribe('a/'.repeat(10_000) + '#')],
      ['NUL in filter', splice(subscribe('t/ZZZZ'), 'ZZZZ', [0x41, 0x00, 0x41, 0x41])],
    ];
    const outcomes = await Promise.all(
      topics.map(([, packet], i) =>
        rawExchange(target, { chunks: [connectPacket(`fz-topic-${i}`), packet], waitMs: 500 }),
      ),
    );
    for (const [i, outcome] of outcomes.entries()) {
      const what = topics[i][0];
      const suback = outcome.packets.find((p) => p.cmd === 'suback');
      if (suback && 'granted' in suback && suback.granted.some((code) => code !== 128)) {
        problems.push(`${what}: subscription granted`);
      }
    }
    return problems;
  }),

  once('QoS 2 packet-id reuse with PUBREL withheld', async ({ target }) => {
    // 3,000 QoS 2 publishes cycling over 10 packet ids, never releasing any.
    const packets = [connectPacket('fz-qos2')];
    for (let i = 0; i < 3_000; i++) packets.push(publish('fuzz/qos2', `m${i}`, 2, 1 + (i % 10)));
    await rawExchange(target, { chunks: packets, waitMs: 1_000 });
    return [];
  }),

  once('many silent unauthenticated sockets', async ({ target, connectTimeoutMs }) => {
    const partial = connectPacket('fz-silent').subarray(0, 6);
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, () =>
        rawExchange(target, { chunks: [partial], waitMs: connectTimeoutMs + 3_000 }),
      ),
    );
    const open = outcomes.filter((outcome) => !outcome.closedByServer).length;
    return open > 0 ? [`${open} of 200 silent sockets still open after the connect timeout`] : [];
  }),
];

/** Valid packets of every kind a client sends, for the mutation attack to break. */
function validSession(random: Random): Buffer[] {
  const id = Math.floor(random() * 65_535) + 1;
  const topic = pick(random, ['dh/request', 'a/b', 'dh/notification/1/1/d/n', '$SYS/x', 'dh/response/token@x']); // prettier-ignore
  return [
    connectPacket(
      `fz-m-${id}`,
      random() < 0.3 ? { username: 'dhadmin', password: Buffer.from('x') } : {},
    ),
    publish(topic, '{"action":"server/info","requestId":1}', pick(random, [0, 1, 2] as const), id),
    subscribe(pick(random, ['#', 'dh/#', 'a/+', 'dh/response/#']), id),
    generate({ cmd: 'unsubscribe', messageId: id, unsubscriptions: ['a/+'] }),
    generate({ cmd: 'pubrel', messageId: id }),
    generate({ cmd: 'pingreq' }),
    generate({ cmd: 'disconnect' }),
  ].slice(0, 1 + Math.floor(random() * 7));
}

/** One to four edits: overwrite, insert, delete, duplicate, truncate. */
export function mutate(bytes: Buffer, random: Random): Buffer {
  let out = Buffer.from(bytes);
  const edits = 1 + Math.floor(random() * 4);
  for (let i = 0; i < edits && out.length > 0; i++) {
    const at = Math.floor(random() * out.length);
    const span = 1 + Math.floor(random() * 8);
    switch (Math.floor(random() * 5)) {
      case 0:
        out[at] = pick(random, [0x00, 0xff, 0x7f, 0x80, Math.floor(random() * 256)]);
        break;
      case 1:
        out = Buffer.concat([out.subarray(0, at), Buffer.from(Array.from({ length: span }, () => Math.floor(random() * 256))), out.subarray(at)]); // prettier-ignore
        break;
      case 2:
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + span)]);
        break;
      case 3:
        out = Buffer.concat([out.subarray(0, at + span), out.subarray(at)]);
        break;
      default:
        out = out.subarray(0, at);
    }
  }
  return out;
}

/** Valid sessions with random byte mutations, `count` connections, eight at a time. */
export function mutationAttack(count: number): Attack {
  return once(`${count} mutated sessions`, async ({ target, random }) => {
    for (let done = 0; done < count; done += 8) {
      await Promise.all(
        Array.from({ length: Math.min(8, count - done) }, () => {
          const session = Buffer.concat(validSession(random));
          // Half keep a valid CONNECT, so the mutation hits the session, not the handshake.
          const keep = random() < 0.5 ? 2 + session[1] : 0;
          const bytes = Buffer.concat([
            session.subarray(0, keep),
            mutate(session.subarray(keep), random),
          ]);
          return rawExchange(target, { chunks: [bytes], waitMs: 150 });
        }),
      );
    }
    return [];
  });
}
