import {
  ACTION_NAMES,
  ACTIONS,
  CommandInsertBody,
  CommandUpdateBody,
  dtoJsonSchema,
  ERRORS,
  NotificationInsertBody,
  REQUEST_DTOS,
  type ActionName,
  type ActionSpec,
  type JsonSchema,
} from '@dh-mqtt/protocol';
import { nestedDtoClasses } from './nested-dtos';
import type { ReplyTypeSchemas } from './reply-schemas';

/** `device/getCurrent` → `deviceGetCurrent`: the operation id of an action. */
export function operationIdOf(action: string): string {
  return action.replace(/\/(\w)/g, (_, c: string) => c.toUpperCase());
}

/** `device/get` → `DeviceGet`. */
export function pascalOf(action: string): string {
  const id = operationIdOf(action);
  return id[0].toUpperCase() + id.slice(1);
}

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** The envelope fields of docs/api/README.md, "Envelope". */
const REQUEST_ID: JsonSchema = {
  description:
    'Any JSON value, handed back untouched in the reply (null when absent); pairs replies with requests.',
};

function permissionText(spec: ActionSpec): string {
  if (spec.permission == null) return 'none';
  return Array.isArray(spec.permission) ? spec.permission.join(' or ') : String(spec.permission);
}

/** One sentence of what the action needs, from the catalog. */
export function accessText(action: ActionName): string {
  const spec: ActionSpec = ACTIONS[action];
  const parts = [
    spec.needsAuth ? 'Needs an authenticated session' : 'Runs on any session',
    `permission: ${permissionText(spec)}`,
  ];
  if (spec.target) parts.push(`target: ${spec.target}`);
  return `${parts.join('; ')}.`;
}

function requestSchema(action: ActionName): JsonSchema {
  const dto = dtoJsonSchema(REQUEST_DTOS[action]) as {
    properties: Record<string, JsonSchema>;
    required?: string[];
  };
  return {
    type: 'object',
    properties: {
      action: { type: 'string', const: action },
      requestId: REQUEST_ID,
      ...dto.properties,
    },
    required: ['action', ...(dto.required ?? [])],
  };
}

/** Merges a success body (an object schema or a `$ref` to one) into the reply envelope. */
function replySchema(
  action: ActionName,
  body: JsonSchema,
  definitions: ReplyTypeSchemas['definitions'],
): JsonSchema {
  const target = typeof body['$ref'] === 'string' ? body['$ref'].split('/').pop() : undefined;
  const resolved = (target ? definitions[target] : body) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
    description?: string;
  };
  const schema: JsonSchema = {
    type: 'object',
    properties: {
      action: { type: 'string', const: action },
      requestId: REQUEST_ID,
      status: { type: 'string', const: 'success' },
      ...resolved.properties,
    },
    required: ['action', 'requestId', 'status', ...(resolved.required ?? [])],
  };
  if (resolved.description && !target) schema['description'] = resolved.description;
  return schema;
}

const STATUSES = [...new Set(Object.values(ERRORS).map((e) => e.status))].sort((a, b) => a - b);

/** docs/api/README.md "Envelope": the failure reply, on the action's or the error topic. */
const ERROR_REPLY: JsonSchema = {
  type: 'object',
  description:
    'A failed request. `error` is the exact text of docs/api/README.md "Error codes" (clients match on it).',
  properties: {
    action: { type: ['string', 'null'] },
    requestId: REQUEST_ID,
    code: { type: 'integer', enum: STATUSES },
    status: { type: 'string', const: 'error' },
    error: { type: 'string' },
  },
  required: ['code', 'status', 'error'],
};

/** The payload of a native publish (docs/topics/notification.md "Native publishing"). */
function nativePayload(schema: JsonSchema, nameField: string, description: string): JsonSchema {
  const { required, properties, ...rest } = schema as {
    required?: string[];
    properties: Record<string, JsonSchema>;
  };
  const others = (required ?? []).filter((f) => f !== nameField);
  return {
    ...rest,
    description,
    properties,
    ...(others.length ? { required: others } : {}),
  };
}

/** Every schema under `components.schemas`, sorted by name. */
export function componentSchemas(replies: ReplyTypeSchemas): Record<string, JsonSchema> {
  const schemas: Record<string, JsonSchema> = { ...replies.definitions, ErrorReply: ERROR_REPLY };
  for (const cls of nestedDtoClasses()) schemas[cls.name] = dtoJsonSchema(cls);
  for (const action of ACTION_NAMES) {
    schemas[`${pascalOf(action)}Request`] = requestSchema(action);
    schemas[`${pascalOf(action)}Reply`] = replySchema(
      action,
      replies.bodies[action],
      replies.definitions,
    );
  }
  Object.assign(schemas, replies.pushes);
  schemas['NativeNotificationPayload'] = nativePayload(
    dtoJsonSchema(NotificationInsertBody),
    'notification',
    "A notification/insert for the topic's device; the name comes from the topic (a `notification` field is overridden).",
  );
  schemas['NativeCommandPayload'] = nativePayload(
    dtoJsonSchema(CommandInsertBody),
    'command',
    "A command/insert for the topic's device; the name comes from the topic.",
  );
  const update = dtoJsonSchema(CommandUpdateBody) as { properties: Record<string, JsonSchema> };
  schemas['NativeCommandUpdatePayload'] = {
    type: 'object',
    description:
      "A command/update of the topic's device; only `id`, `status` and `result` are read.",
    properties: { id: { type: 'integer', description: 'The command id.' }, ...update.properties },
    required: ['id'],
  };
  return Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b)));
}

const CORRELATION = { $ref: '#/components/correlationIds/requestId' };

/** Every message under `components.messages`. */
export function componentMessages(): Record<string, JsonSchema> {
  const messages: Record<string, JsonSchema> = {};
  for (const action of ACTION_NAMES) {
    const id = operationIdOf(action);
    messages[`${id}Request`] = {
      name: `${action} request`,
      title: `${action} request`,
      summary: accessText(action),
      contentType: 'application/json',
      correlationId: CORRELATION,
      payload: ref(`${pascalOf(action)}Request`),
    };
    messages[`${id}Reply`] = {
      name: `${action} reply`,
      title: `${action} reply`,
      contentType: 'application/json',
      correlationId: CORRELATION,
      payload: ref(`${pascalOf(action)}Reply`),
    };
  }
  const plain = (name: string, summary: string, schema: string): JsonSchema => ({
    name,
    summary,
    contentType: 'application/json',
    payload: ref(schema),
  });
  messages['errorReply'] = { ...plain('error reply', 'A failed request.', 'ErrorReply') };
  messages['errorReply']['correlationId'] = CORRELATION;
  messages['notificationPush'] = plain(
    'notification push',
    'A notification inserted for a device the subscriber may see.',
    'NotificationInsertPush',
  );
  messages['commandPush'] = plain(
    'command push',
    'A command inserted for a device the subscriber may see.',
    'CommandInsertPush',
  );
  messages['commandUpdatePush'] = plain(
    'command update push',
    'An updated command, to the client id that inserted it (or a returnUpdatedCommands subscription).',
    'CommandUpdatePush',
  );
  messages['nativeNotification'] = plain(
    'native notification',
    'Publishing it is a notification/insert.',
    'NativeNotificationPayload',
  );
  messages['nativeCommand'] = plain(
    'native command',
    'Publishing it is a command/insert.',
    'NativeCommandPayload',
  );
  messages['nativeCommandUpdate'] = plain(
    'native command update',
    'Publishing it is a command/update.',
    'NativeCommandUpdatePayload',
  );
  return messages;
}
