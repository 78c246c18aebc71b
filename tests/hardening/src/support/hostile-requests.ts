import { MAX_REQUEST_DEPTH } from '@dh-mqtt/broker';
import { ACTION_NAMES, formatErrorTopic, formatResponseTopic } from '@dh-mqtt/protocol';
import { DEFAULTS } from '@dh-mqtt/runtime';
import fc from 'fast-check';
import {
  FIELD_NAMES,
  edgeText,
  hostileKey,
  hostileValue,
  object,
  pollutionPayload,
  raw,
  serialize,
  type JsonTree,
} from './hostile-json';

/** Actions: the catalog, near misses of it, prototype members, topic-hostile and huge names. */
const hostileAction: fc.Arbitrary<string> = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom(...ACTION_NAMES) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...ACTION_NAMES),
        fc.constantFrom('', '/', '//', '@', '@x', '+', '#', '/#', '\u0000', '\ud800', ' ', '😀'),
        fc.boolean(),
      )
      .map(([action, affix, before]) => (before ? affix + action : action + affix)),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '__proto__',
      'constructor',
      'prototype',
      'toString',
      'hasOwnProperty',
    ),
  },
  { weight: 2, arbitrary: edgeText },
  // Around the 128-level and 65535-byte topic limits, alone and once the response prefix is added.
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(98, 99, 100, 120, 126, 127, 128, 129)
      .map((levels) => Array.from({ length: levels }, () => 'a').join('/')),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(65_500, 65_520, 65_530, 65_535, 65_536).map((n) => 'a'.repeat(n)),
  },
);

const actionTree = fc.oneof(
  { weight: 8, arbitrary: hostileAction.map((action) => raw(JSON.stringify(action))) },
  { weight: 1, arbitrary: hostileValue },
);

/** One request object: an action, maybe a requestId, any fields with any values. */
const hostileRequestTree: fc.Arbitrary<JsonTree> = fc
  .record(
    {
      action: actionTree,
      requestId: hostileValue,
      fields: fc.array(
        fc.tuple(fc.oneof(fc.constantFrom(...FIELD_NAMES), hostileKey), hostileValue),
        { maxLength: 6 },
      ),
      pollution: fc.option(pollutionPayload, { nil: undefined }),
    },
    { requiredKeys: ['action', 'fields'] },
  )
  .map(({ action, requestId, fields, pollution }) => {
    const entries: (readonly [string, JsonTree])[] = [['action', action]];
    if (requestId !== undefined) entries.push(['requestId', requestId]);
    entries.push(...fields);
    if (pollution?.kind === 'object') entries.push(...pollution.entries);
    return object(entries);
  });

interface ByteEdit {
  /** Position as a fraction of the payload length. */
  at: number;
  op: 'set' | 'truncate' | 'insert';
  bytes: Uint8Array;
}

/** Byte edits of an otherwise valid request: overwrite, truncate, insert raw bytes. */
const byteEdit: fc.Arbitrary<ByteEdit> = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  op: fc.constantFrom('set', 'truncate', 'insert'),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 4 }),
});

function applyEdits(payload: Buffer, edits: readonly ByteEdit[]): Buffer {
  let out = payload;
  for (const { at, op, bytes } of edits) {
    const index = Math.min(out.length, Math.floor(at * out.length));
    if (op === 'truncate') out = out.subarray(0, index);
    else if (op === 'insert') {
      out = Buffer.concat([out.subarray(0, index), bytes, out.subarray(index)]);
    } else if (index < out.length) {
      out = Buffer.from(out);
      out[index] = bytes[0];
    }
  }
  return out;
}

/** Fixed header, topic `dh/request` and packet id of a PUBLISH, rounded up. */
const PUBLISH_OVERHEAD = 32;

/** Payload bytes that print as a short preview in fast-check counterexamples. */
export class Payload {
  constructor(readonly bytes: Buffer) {}

  [fc.toStringMethod](): string {
    const text = this.bytes.toString('utf8');
    const preview = text.length > 160 ? `${text.slice(0, 160)}…` : text;
    return `Payload(${this.bytes.length} B: ${JSON.stringify(preview)})`;
  }
}

const payloadBytes: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 12, arbitrary: hostileRequestTree.map((tree) => Buffer.from(serialize(tree))) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(hostileRequestTree, fc.array(byteEdit, { minLength: 1, maxLength: 3 }))
      .map(([tree, edits]) => applyEdits(Buffer.from(serialize(tree)), edits)),
  },
  // Not an object at all: any other JSON value, broken text, raw bytes.
  { weight: 1, arbitrary: hostileValue.map((tree) => Buffer.from(serialize(tree))) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)) },
);

/**
 * Every kind of `dh/request` payload a hostile client can send, within the packet size limit
 * (a larger packet is a disconnect by design, docs/reliability.md, covered by the packet fuzzer).
 */
export const hostilePayload: fc.Arbitrary<Payload> = payloadBytes
  .filter((bytes) => bytes.length <= DEFAULTS.maxPacketSize - PUBLISH_OVERHEAD)
  .map((bytes) => new Payload(bytes));

/** The echo of a requestId too deep for JSON.stringify: the spec does not say what it is. */
export const ANY_REQUEST_ID = '<any>';

/** Where the one reply to a payload must arrive, and what it must echo (docs/topics/request.md). */
export interface ExpectedReply {
  topic: string;
  /** The request's `action` when it was a string; null otherwise. */
  action: string | null;
  /**
   * JSON of the echoed requestId (`null` when absent); undefined when the reply carries none;
   * {@link ANY_REQUEST_ID} when it is nested too deep to serialize.
   */
  requestIdJson: string | undefined;
}

/**
 * The spec's routing of a reply (docs/topics/request.md, docs/api/README.md), computed from the
 * bytes the broker received: too large → 413 on the error topic; not a JSON object → 400 on the
 * error topic without action/requestId; no string action → error topic echoing requestId; otherwise
 * `dh/response/{action}@{clientId}`, or the error topic when that cannot be a topic.
 */
export function expectedReply(
  payload: Buffer,
  clientId: string,
  maxRequestSize: number,
): ExpectedReply {
  const errorTopic = formatErrorTopic(clientId);
  if (payload.length > maxRequestSize) {
    return { topic: errorTopic, action: null, requestIdJson: 'null' };
  }
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return { topic: errorTopic, action: null, requestIdJson: undefined };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { topic: errorTopic, action: null, requestIdJson: undefined };
  }
  const request = value as Record<string, unknown>;
  let requestIdJson = ANY_REQUEST_ID;
  if (depthOf(request['requestId']) > MAX_REQUEST_DEPTH) {
    // The broker answers a requestId it cannot echo safely with null (its documented limit).
    requestIdJson = 'null';
  } else {
    try {
      requestIdJson = JSON.stringify(request['requestId'] ?? null);
    } catch {
      // Deeper than the call stack.
    }
  }
  const action = request['action'];
  if (typeof action !== 'string') return { topic: errorTopic, action: null, requestIdJson };
  return { topic: responseTopicOrError(action, clientId), action, requestIdJson };
}

/** Nesting depth of a JSON value (a scalar is 0), walked without recursion. */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [current, depth] = item;
    if (typeof current !== 'object' || current === null) continue;
    deepest = Math.max(deepest, depth + 1);
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * `dh/response/{action}@{clientId}`, or the error topic when that is not a topic aedes can
 * publish: `@`, wildcards, NUL, empty levels, over 65535 bytes, or over aedes' default
 * `maxTopicLevels` (100).
 */
export function responseTopicOrError(action: string, clientId: string): string {
  try {
    const topic = formatResponseTopic(action, clientId);
    if (topic.split('/').length <= AEDES_MAX_TOPIC_LEVELS) return topic;
  } catch {
    // Not a topic level.
  }
  return formatErrorTopic(clientId);
}

/** aedes 1.2 refuses to publish topics with more levels (`maxTopicLevels` default). */
export const AEDES_MAX_TOPIC_LEVELS = 100;
