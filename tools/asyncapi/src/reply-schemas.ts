import { join } from 'node:path';
import { createGenerator } from 'ts-json-schema-generator';
import type { JsonSchema } from '@dh-mqtt/protocol';

/** Reply and push schemas read from the TypeScript types of libs/protocol/src/replies. */
export interface ReplyTypeSchemas {
  /** The success body of each action, keyed by wire name (`ActionReplies`). */
  readonly bodies: Readonly<Record<string, JsonSchema>>;
  /** `NotificationInsertPush`, `CommandInsertPush`, `CommandUpdatePush`. */
  readonly pushes: Readonly<Record<string, JsonSchema>>;
  /** The entity views they reference, as `#/components/schemas/<name>`. */
  readonly definitions: Readonly<Record<string, JsonSchema>>;
}

const PUSH_TYPES = ['NotificationInsertPush', 'CommandInsertPush', 'CommandUpdatePush'];

/** Rewrites ts-json-schema-generator's `#/definitions/X` into AsyncAPI component references. */
function relink(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(relink);
  if (value && typeof value === 'object') {
    const out: JsonSchema = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] =
        key === '$ref' && typeof inner === 'string'
          ? inner.replace('#/definitions/', '#/components/schemas/')
          : relink(inner);
    }
    return out;
  }
  return value;
}

function referencedNames(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) value.forEach((v) => referencedNames(v, into));
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') into.add(inner.split('/').pop() as string);
      else referencedNames(inner, into);
    }
  }
}

/**
 * Runs ts-json-schema-generator over `action-replies.ts` and `push-payloads.ts`: the reply types
 * the gateway's handlers are checked against, so the document follows them.
 */
export function readReplyTypeSchemas(root: string): ReplyTypeSchemas {
  const generator = createGenerator({
    path: join(root, 'libs/protocol/src/replies/{action-replies,push-payloads}.ts'),
    tsconfig: join(root, 'libs/protocol/tsconfig.json'),
    type: '*',
    expose: 'export',
    topRef: true,
    jsDoc: 'extended',
    skipTypeCheck: true,
  });
  const all = generator.createSchema('*').definitions as Record<string, JsonSchema>;
  const replies = all['ActionReplies'] as { properties: Record<string, JsonSchema> };
  const bodies: Record<string, JsonSchema> = {};
  for (const [action, body] of Object.entries(replies.properties)) {
    bodies[action] = relink(body) as JsonSchema;
  }
  const pushes: Record<string, JsonSchema> = {};
  for (const name of PUSH_TYPES) pushes[name] = relink(all[name]) as JsonSchema;

  // The views reached from bodies and pushes, transitively.
  const wanted = new Set<string>();
  referencedNames([bodies, pushes], wanted);
  const definitions: Record<string, JsonSchema> = {};
  for (let grew = true; grew;) {
    grew = false;
    for (const name of [...wanted].sort()) {
      if (definitions[name] || !all[name]) continue;
      definitions[name] = relink(all[name]) as JsonSchema;
      referencedNames(all[name], wanted);
      grew = true;
    }
  }
  return { bodies, pushes, definitions };
}
