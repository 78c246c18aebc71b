import type { JsonSchema } from '@dh-mqtt/protocol';

type Doc = {
  info: { title: string; version: string };
  servers: Record<
    string,
    { host: string; protocol: string; pathname?: string; description: string }
  >;
  channels: Record<string, { address: string; description: string; messages: JsonSchema }>;
  operations: Record<
    string,
    { action: string; title?: string; summary: string; messages: { $ref: string }[] }
  >;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, { type: string; description: string }>;
  };
};

const nameOf = (ref: string): string => ref.split('/').pop() as string;
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A short type expression of a schema: `string`, `integer[]`, `DeviceView \| null`. */
export function typeText(schema: JsonSchema): string {
  if (typeof schema['$ref'] === 'string') return nameOf(schema['$ref']);
  if (Array.isArray(schema['allOf'])) return typeText(schema['allOf'][0] as JsonSchema);
  for (const key of ['anyOf', 'oneOf']) {
    const list = schema[key];
    if (Array.isArray(list)) return list.map((s) => typeText(s as JsonSchema)).join(' | ');
  }
  if ('const' in schema) return `\`${JSON.stringify(schema['const'])}\``;
  const type = schema['type'];
  if (type === 'array') return `${typeText((schema['items'] as JsonSchema) ?? {})}[]`;
  if (Array.isArray(type)) return type.join(' | ');
  return typeof type === 'string' ? type : 'any';
}

/** Constraints and default of a field, in words. */
function constraintText(schema: JsonSchema): string {
  const parts: string[] = [];
  if (Array.isArray(schema['enum'])) {
    parts.push(`one of ${schema['enum'].map((v) => `\`${JSON.stringify(v)}\``).join(', ')}`);
  }
  if (schema['minLength'] != null) parts.push(`length ≥ ${String(schema['minLength'])}`);
  if (schema['maxLength'] != null) parts.push(`length ≤ ${String(schema['maxLength'])}`);
  if (schema['minimum'] != null) parts.push(`≥ ${String(schema['minimum'])}`);
  if (schema['pattern'] != null) parts.push(`matches \`${String(schema['pattern'])}\``);
  if (schema['default'] !== undefined)
    parts.push(`default \`${JSON.stringify(schema['default'])}\``);
  if (typeof schema['description'] === 'string') parts.push(schema['description']);
  return parts.join('; ');
}

function fieldRows(
  schema: JsonSchema,
  schemas: Doc['components']['schemas'],
  prefix = '',
): string[] {
  const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema['required'] ?? []) as string[]);
  const rows: string[] = [];
  for (const [key, field] of Object.entries(properties)) {
    const name = `${prefix}${key}`;
    rows.push(
      `| \`${name}\` | ${cell(typeText(field))} | ${required.has(key) ? 'yes' : ''} | ${cell(constraintText(field))} |`,
    );
    const target = (field['allOf'] as JsonSchema[] | undefined)?.[0] ?? field;
    const refName = typeof target['$ref'] === 'string' ? nameOf(target['$ref']) : undefined;
    if (refName && refName.endsWith('Body')) {
      rows.push(...fieldRows(schemas[refName], schemas, `${name}.`));
    }
  }
  return rows;
}

function table(schema: JsonSchema, schemas: Doc['components']['schemas']): string[] {
  return [
    '| field | type | required | constraints, default |',
    '| ----- | ---- | -------- | -------------------- |',
    ...fieldRows(schema, schemas),
  ];
}

/** docs/asyncapi.md: the document's servers, channels and every action's messages as tables. */
export function renderMarkdown(document: JsonSchema): string {
  const doc = document as unknown as Doc;
  const { schemas } = doc.components;
  const out: string[] = [
    `# ${doc.info.title}, version ${doc.info.version}`,
    '',
    '<!-- Generated from docs/asyncapi.yaml by `nx run asyncapi:generate`: do not edit. -->',
    '',
    'The machine-readable description is [asyncapi.yaml](asyncapi.yaml) (AsyncAPI 3.0), generated from',
    'the action catalog, the request DTOs and the reply types of `libs/protocol`. This page renders',
    'it; the prose, with the exact error texts, is the [action reference](api/README.md) and the',
    '[topic cards](topics/README.md). A typed client: [`@dh-mqtt/client`](../libs/client/README.md).',
    '',
    '## Servers',
    '',
    '| server | URL | description |',
    '| ------ | --- | ----------- |',
  ];
  for (const [id, s] of Object.entries(doc.servers)) {
    const url = `${s.protocol}://${s.host.replace('{host}', 'localhost')}${s.pathname ?? ''}`;
    out.push(`| ${id} | \`${url}\` | ${cell(s.description)} |`);
  }
  out.push('', '## Security', '');
  for (const [id, s] of Object.entries(doc.components.securitySchemes)) {
    out.push(`- **${id}** (\`${s.type}\`): ${s.description}`);
  }
  out.push('', '## Channels', '', '| channel | messages | description |', '| --- | --- | --- |');
  for (const c of Object.values(doc.channels)) {
    const count = Object.keys(c.messages).length;
    out.push(`| \`${c.address}\` | ${count} | ${cell(c.description)} |`);
  }
  out.push('', '## Events', '');
  for (const name of ['NotificationInsertPush', 'CommandInsertPush', 'CommandUpdatePush']) {
    out.push(`### ${name}`, '', ...table(schemas[name], schemas), '');
  }
  for (const name of [
    'NativeNotificationPayload',
    'NativeCommandPayload',
    'NativeCommandUpdatePayload',
  ]) {
    out.push(`### ${name}`, '', String(schemas[name]['description']), '');
    out.push(...table(schemas[name], schemas), '');
  }
  out.push(
    '## Actions',
    '',
    'Every request goes to `dh/request`; its reply to',
    '`dh/response/{action}@{clientId}`, or an `ErrorReply`:',
    '',
  );
  out.push(...table(schemas['ErrorReply'], schemas), '');
  for (const op of Object.values(doc.operations)) {
    if (!op.title) continue;
    const pascal = nameOf(op.messages[0].$ref).replace(/^(\w)/, (c) => c.toUpperCase());
    out.push(`### ${op.title}`, '', op.summary, '', 'Request:', '');
    out.push(...table(schemas[pascal], schemas), '', 'Reply:', '');
    out.push(...table(schemas[pascal.replace(/Request$/, 'Reply')], schemas), '');
  }
  out.push('## Entity views', '');
  for (const [name, schema] of Object.entries(schemas)) {
    if (!name.endsWith('View') || !schema['properties']) continue;
    out.push(`### ${name}`, '', ...table(schema, schemas), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
