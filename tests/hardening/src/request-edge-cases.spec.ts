import { formatErrorTopic, formatResponseTopic } from '@dh-mqtt/protocol';
import { spawnStandalone, type EmbeddedStandalone } from './support/embedded-standalone';
import { BOOTSTRAP_ADMIN, ReplyCollector } from './support/mqtt-clients';

jest.setTimeout(60_000);

const CLIENT = 'edge-cases';
const levels = (count: number) => Array.from({ length: count }, () => 'a').join('/');
const nestedObjects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

// Inputs the property suite found or that sit on a limit, pinned so a regression names itself.
describe('dh/request edge cases against the running standalone', () => {
  let app: EmbeddedStandalone;
  let client: ReplyCollector;

  beforeAll(async () => {
    app = await spawnStandalone();
    client = await ReplyCollector.connect(app.mqttUrl, CLIENT, BOOTSTRAP_ADMIN);
  });

  afterAll(async () => {
    await client?.close();
    await app?.stop();
  });

  async function onlyReply(payload: string) {
    const replies = await client.exchange([Buffer.from(payload)]);
    expect(replies).toHaveLength(1);
    return replies[0];
  }

  describe('when the action cannot name a response topic', () => {
    it.each([
      ['is 99 levels deep (101 with the prefix, over aedes’ 100)', levels(99)],
      ['is 120 levels deep', levels(120)],
      ['makes the response topic longer than 65535 bytes', 'a'.repeat(65_530)],
      ['contains a wildcard', 'device/+'],
      ['contains the owner separator', 'token@other-client'],
      ['is a lone surrogate', '\ud800'],
    ])('replies 400 on the reserved error topic when it %s', async (_case, action) => {
      const reply = await onlyReply(JSON.stringify({ action, requestId: 7 }));
      expect(reply.topic).toBe(formatErrorTopic(CLIENT));
      expect(reply.body).toMatchObject({ action, requestId: 7, code: 400 });
    });
  });

  describe('when the action is a prototype member', () => {
    it.each(['__proto__', 'constructor', 'toString'])(
      'replies 400 Illegal argument: %s on its own topic',
      async (action) => {
        const reply = await onlyReply(JSON.stringify({ action, requestId: 1 }));
        expect(reply.topic).toBe(formatResponseTopic(action, CLIENT));
        expect(reply.body).toMatchObject({ code: 400, error: `Illegal argument: ${action}` });
      },
    );
  });

  describe('when a field carries pollution keys', () => {
    it('answers as if they were ordinary unknown fields', async () => {
      const reply = await onlyReply(
        '{"action":"server/info","requestId":2,"__proto__":{"isAdmin":true},' +
          '"constructor":{"prototype":{"polluted":"yes"}}}',
      );
      expect(reply.body).toMatchObject({ action: 'server/info', status: 'success', requestId: 2 });
      expect((await app.probe()).prototypeChanges).toEqual([]);
    });
  });

  describe('when the JSON is nested deeper than the call stack', () => {
    it('answers a deeply nested requestId exactly once', async () => {
      const reply = await onlyReply(`{"action":"server/info","requestId":${nestedObjects(5_000)}}`);
      expect(reply.topic).toBe(formatResponseTopic('server/info', CLIENT));
    });

    it.each([
      ['objects', nestedObjects(5_000)],
      ['arrays', nestedArrays(10_000)],
    ])('replies 400, not 503, to a field of nested %s', async (_kind, value) => {
      const reply = await onlyReply(`{"action":"network/list","requestId":3,"name":${value}}`);
      expect(reply.body).toMatchObject({ action: 'network/list', requestId: 3, code: 400 });
    });
  });
});
