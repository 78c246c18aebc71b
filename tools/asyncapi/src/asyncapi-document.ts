import { ACTION_NAMES, ACTIONS, type ActionSpec, type JsonSchema } from '@dh-mqtt/protocol';
import { DEFAULTS } from '@dh-mqtt/runtime';
import { accessText, componentMessages, componentSchemas, operationIdOf } from './action-messages';
import type { ReplyTypeSchemas } from './reply-schemas';

/** What the document is built from besides the protocol: the version and the reply schemas. */
export interface DocumentInput {
  /** The product version (the root package.json's). */
  readonly version: string;
  readonly replies: ReplyTypeSchemas;
}

const channelRef = (id: string): JsonSchema => ({ $ref: `#/channels/${id}` });
const messageRef = (channel: string, id: string): JsonSchema => ({
  $ref: `#/channels/${channel}/messages/${id}`,
});
const componentMessage = (id: string): JsonSchema => ({ $ref: `#/components/messages/${id}` });

const HOST = { host: { default: 'localhost', description: 'Where dh-mqtt runs.' } };

/** docs/design.md, README.md "Configuration": the four listeners and their default ports. */
function servers(): JsonSchema {
  const server = (
    protocol: string,
    port: number,
    description: string,
    pathname?: string,
  ): JsonSchema => ({
    host: `{host}:${port}`,
    protocol,
    protocolVersion: '3.1.1',
    ...(pathname ? { pathname } : {}),
    description,
    variables: HOST,
    security: [{ $ref: '#/components/securitySchemes/userPassword' }],
  });
  return {
    tcp: server('mqtt', DEFAULTS.mqttPort, 'MQTT 3.1/3.1.1 over TCP (`DH_MQTT_PORT`).'),
    websocket: server(
      'ws',
      DEFAULTS.wsPort,
      'MQTT over WebSocket (`DH_WS_PORT`, path `DH_WS_PATH`), for browsers.',
      DEFAULTS.wsPath,
    ),
    tls: server(
      'secure-mqtt',
      DEFAULTS.tlsPort,
      'MQTT over TLS (`DH_TLS_PORT`), when `DH_TLS_CERT` and `DH_TLS_KEY` are set.',
    ),
    secureWebsocket: server(
      'wss',
      DEFAULTS.wssPort,
      'MQTT over secure WebSocket (`DH_WSS_PORT`), when a TLS certificate is set.',
      DEFAULTS.wsPath,
    ),
  };
}

const EVENT_PARAMETERS: JsonSchema = {
  networkId: { description: "The device's network id." },
  deviceTypeId: { description: "The device's device type id." },
  deviceId: { description: 'The device id.' },
  name: { description: 'The notification or command name.' },
};

function eventChannel(kind: string, summary: string, messages: string[]): JsonSchema {
  return {
    address: `dh/${kind}/{networkId}/{deviceTypeId}/{deviceId}/{name}`,
    title: `dh/${kind}`,
    description: `${summary} See docs/topics/${kind.replace('_', '-')}.md.`,
    parameters: EVENT_PARAMETERS,
    messages: Object.fromEntries(messages.map((m) => [m, componentMessage(m)])),
  };
}

function channels(): JsonSchema {
  const requests: JsonSchema = {};
  const replies: JsonSchema = { errorReply: componentMessage('errorReply') };
  for (const action of ACTION_NAMES) {
    const id = operationIdOf(action);
    requests[`${id}Request`] = componentMessage(`${id}Request`);
    replies[`${id}Reply`] = componentMessage(`${id}Reply`);
  }
  return {
    request: {
      address: 'dh/request',
      title: 'dh/request',
      description:
        "Every request: one JSON object with `action`, an optional `requestId` and the action's fields at the top level. Publish only; nobody may subscribe. See docs/topics/request.md.",
      messages: requests,
    },
    response: {
      address: 'dh/response/{action}@{clientId}',
      title: 'dh/response',
      description:
        'The reply to each request, seen by the requesting client only (wildcards such as `dh/response/#` are fine). See docs/topics/response.md.',
      parameters: {
        action: { enum: [...ACTION_NAMES], description: "The request's action, verbatim." },
        clientId: { description: 'The MQTT client id of the requester.' },
      },
      messages: replies,
    },
    errorResponse: {
      address: 'dh/response/error@{clientId}',
      title: 'dh/response/error',
      description:
        'Replies to payloads that name no usable action (not JSON, no string `action`, too large). See docs/topics/error-response.md.',
      parameters: { clientId: { description: 'The MQTT client id of the requester.' } },
      messages: { errorReply: componentMessage('errorReply') },
    },
    notification: eventChannel(
      'notification',
      'Notification pushes; a publish here is a notification/insert.',
      ['notificationPush', 'nativeNotification'],
    ),
    command: eventChannel('command', 'Command pushes; a publish here is a command/insert.', [
      'commandPush',
      'nativeCommand',
    ]),
    commandUpdate: eventChannel(
      'command_update',
      "Updated commands, to the command's origin; a publish here is a command/update.",
      ['commandUpdatePush', 'nativeCommandUpdate'],
    ),
  };
}

const AUTH_SECURITY = [
  { $ref: '#/components/securitySchemes/userPassword' },
  { $ref: '#/components/securitySchemes/jwt' },
];

function operations(): JsonSchema {
  const ops: JsonSchema = {};
  for (const action of ACTION_NAMES) {
    const id = operationIdOf(action);
    const spec: ActionSpec = ACTIONS[action];
    ops[id] = {
      action: 'send',
      title: action,
      summary: accessText(action),
      channel: channelRef('request'),
      messages: [messageRef('request', `${id}Request`)],
      ...(spec.needsAuth ? { security: AUTH_SECURITY } : {}),
      reply: {
        channel: channelRef('response'),
        messages: [messageRef('response', `${id}Reply`), messageRef('response', 'errorReply')],
      },
    };
  }
  const event = (
    action: 'send' | 'receive',
    channel: string,
    message: string,
    summary: string,
  ): JsonSchema => ({
    action,
    summary,
    channel: channelRef(channel),
    messages: [messageRef(channel, message)],
    security: AUTH_SECURITY,
  });
  ops['receiveErrorReply'] = {
    action: 'receive',
    summary: 'Replies to payloads that name no usable action.',
    channel: channelRef('errorResponse'),
    messages: [messageRef('errorResponse', 'errorReply')],
  };
  ops['receiveNotification'] = event(
    'receive',
    'notification',
    'notificationPush',
    'Subscribe (GetDeviceNotification) or notification/subscribe.',
  );
  ops['publishNotification'] = event(
    'send',
    'notification',
    'nativeNotification',
    'Native notification/insert (CreateDeviceNotification); the outcome goes to dh/response/notification/insert@{clientId}.',
  );
  ops['receiveCommand'] = event(
    'receive',
    'command',
    'commandPush',
    'Subscribe (GetDeviceCommand) or command/subscribe.',
  );
  ops['publishCommand'] = event(
    'send',
    'command',
    'nativeCommand',
    'Native command/insert (CreateDeviceCommand); the outcome goes to dh/response/command/insert@{clientId}.',
  );
  ops['receiveCommandUpdate'] = event(
    'receive',
    'commandUpdate',
    'commandUpdatePush',
    'Updates of the commands this client id inserted (GetDeviceCommand).',
  );
  ops['publishCommandUpdate'] = event(
    'send',
    'commandUpdate',
    'nativeCommandUpdate',
    'Native command/update (UpdateDeviceCommand); the outcome goes to dh/response/command/update@{clientId}.',
  );
  return ops;
}

/** The whole AsyncAPI 3.0 document, as a plain object ready for YAML. */
export function buildAsyncApiDocument({ version, replies }: DocumentInput): JsonSchema {
  return {
    asyncapi: '3.0.0',
    id: 'urn:dh-mqtt',
    info: {
      title: 'dh-mqtt: the DeviceHive MQTT API',
      version,
      description:
        'Generated from the action catalog, the request DTOs and the reply types of libs/protocol by `nx run asyncapi:generate`; do not edit by hand. The prose reference is docs/api/README.md and docs/topics/README.md.',
      license: { name: 'Apache-2.0' },
    },
    defaultContentType: 'application/json',
    servers: servers(),
    channels: channels(),
    operations: operations(),
    components: {
      schemas: componentSchemas(replies),
      messages: componentMessages(),
      correlationIds: {
        requestId: {
          description: "The reply carries the request's `requestId` unchanged.",
          location: '$message.payload#/requestId',
        },
      },
      securitySchemes: {
        userPassword: {
          type: 'userPassword',
          description:
            'Username and password on MQTT CONNECT. Optional while `DH_ALLOW_ANONYMOUS` is true: an anonymous session may then log in with the `token` and `authenticate` requests.',
        },
        jwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'An access token (HS256, docs/api/README.md "JWT") from `token`, `token/refresh` or `token/create`, sent in an `authenticate` request; the session keeps its principal until the next authentication.',
        },
      },
    },
  };
}
