import fc from 'fast-check';
import { formatErrorTopic, formatEventTopic, formatResponseTopic } from './topic-format';
import { parseTopic } from './topic-parse';
import { canOwnTopics, isEventName, isResponseAction } from './topic-parts';
import { EVENT_TOPIC_KINDS, REQUEST_TOPIC, type EventTopic } from './topic.types';

const RUNS = { numRuns: 300 };

// Mostly harmless characters, sometimes ones that stress the grammar: separators, wildcards,
// NUL, lone surrogates.
const exoticText = (maxLength: number) =>
  fc
    .array(
      fc.oneof(
        {
          weight: 12,
          arbitrary: fc.constantFrom('a', 'Z', '0', '9', '-', '_', ' ', '$', 'é', '😀'),
        },
        { weight: 1, arbitrary: fc.constantFrom('/', '@', '+', '#', '\u0000', '\ud800', '\udc00') },
      ),
      { maxLength },
    )
    .map((chars) => chars.join(''));

const deviceIdArb = fc.stringMatching(/^[a-zA-Z0-9-]{1,24}$/);
const eventTopicArb: fc.Arbitrary<EventTopic> = fc.record({
  kind: fc.constantFrom(...EVENT_TOPIC_KINDS),
  networkId: fc.maxSafeNat(),
  deviceTypeId: fc.maxSafeNat(),
  deviceId: deviceIdArb,
  name: exoticText(12).filter(isEventName),
  owner: fc.option(exoticText(30).filter(canOwnTopics), { nil: null }),
});

describe(formatResponseTopic.name, () => {
  it.each([
    ['token', 'c1', 'dh/response/token@c1'],
    ['user/getCurrent', 'a/b@c', 'dh/response/user/getCurrent@a/b@c'],
    ['__proto__', '__proto__', 'dh/response/__proto__@__proto__'],
  ])('formats action %j for client %j as %s', (action, clientId, topic) => {
    expect(formatResponseTopic(action, clientId)).toBe(topic);
  });

  it.each([
    ['', 'c1'],
    ['a@b', 'c1'],
    ['a//b', 'c1'],
    ['a/', 'c1'],
    ['foo#', 'c1'],
    ['fo+o', 'c1'],
    ['to\u0000ken', 'c1'],
    ['token', ''],
    ['token', 'c#1'],
    ['token', 'c+'],
    ['token', 'c\u0000'],
    ['token', '\udfff'],
    ['token', 'x'.repeat(65_535)],
  ])('refuses action %j for client %j with a RangeError', (action, clientId) => {
    expect(() => formatResponseTopic(action, clientId)).toThrow(RangeError);
  });

  it('round-trips every valid action and client id through parseTopic', () => {
    fc.assert(
      fc.property(
        exoticText(16).filter(isResponseAction),
        exoticText(30).filter(canOwnTopics),
        (action, owner) => {
          expect(parseTopic(formatResponseTopic(action, owner))).toEqual({
            kind: 'response',
            action,
            owner,
          });
        },
      ),
      RUNS,
    );
  });

  it('either refuses an input or produces a topic that parses back to it', () => {
    fc.assert(
      fc.property(exoticText(16), exoticText(16), (action, owner) => {
        let topic: string;
        try {
          topic = formatResponseTopic(action, owner);
        } catch (error) {
          expect(error).toBeInstanceOf(RangeError);
          return;
        }
        expect(parseTopic(topic)).toEqual({ kind: 'response', action, owner });
      }),
      RUNS,
    );
  });

  it('is the only spelling of a parsed response topic', () => {
    fc.assert(
      fc.property(exoticText(16), exoticText(16), (action, owner) => {
        const topic = `dh/response/${action}@${owner}`;
        const parsed = parseTopic(topic);
        if (parsed.kind === 'response')
          expect(formatResponseTopic(parsed.action, parsed.owner)).toBe(topic);
      }),
      RUNS,
    );
  });
});

describe(formatErrorTopic.name, () => {
  it('formats the reserved error topic, which parses as the error action', () => {
    expect(formatErrorTopic('c1')).toBe('dh/response/error@c1');
    expect(parseTopic(formatErrorTopic('a@b/c'))).toEqual({
      kind: 'response',
      action: 'error',
      owner: 'a@b/c',
    });
  });

  it('refuses a client id that cannot own a topic', () => {
    expect(() => formatErrorTopic('#')).toThrow(RangeError);
  });
});

describe(formatEventTopic.name, () => {
  const fields = { networkId: 1, deviceTypeId: 2, deviceId: 'dev-1', name: 'temp' };

  it.each([
    ['notification', fields, 'dh/notification/1/2/dev-1/temp'],
    ['command', { ...fields, owner: 'c/1' }, 'dh/command/1/2/dev-1/temp@c/1'],
    ['command_update', { ...fields, owner: null }, 'dh/command_update/1/2/dev-1/temp'],
  ] as const)('formats a %s event', (kind, input, topic) => {
    expect(formatEventTopic(kind, input)).toBe(topic);
  });

  it.each([
    ['a negative network id', { ...fields, networkId: -1 }],
    ['a fractional device type id', { ...fields, deviceTypeId: 1.5 }],
    ['an unsafe integer id', { ...fields, networkId: 2 ** 53 }],
    ['a device id with an underscore', { ...fields, deviceId: 'a_b' }],
    ['an empty device id', { ...fields, deviceId: '' }],
    ['a name with a slash', { ...fields, name: 'a/b' }],
    ['a name with @', { ...fields, name: 'a@b' }],
    ['a name with a wildcard', { ...fields, name: '#' }],
    ['an empty name', { ...fields, name: '' }],
    ['an owner with a wildcard', { ...fields, owner: 'c+' }],
    ['an empty owner', { ...fields, owner: '' }],
  ])('refuses %s with a RangeError', (_, input) => {
    expect(() => formatEventTopic('notification', input)).toThrow(RangeError);
  });

  it('refuses an unknown kind coming from untyped code', () => {
    expect(() => formatEventTopic('request' as never, fields)).toThrow(RangeError);
  });

  it('round-trips every valid event topic through parseTopic', () => {
    fc.assert(
      fc.property(eventTopicArb, (topic) => {
        expect(parseTopic(formatEventTopic(topic.kind, topic))).toEqual(topic);
      }),
      RUNS,
    );
  });

  it('either refuses an input or produces a topic that parses back to it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...EVENT_TOPIC_KINDS),
        fc.integer({ min: -2, max: 1000 }),
        fc.oneof(deviceIdArb, exoticText(6)),
        exoticText(8),
        fc.option(exoticText(8), { nil: null }),
        (kind, networkId, deviceId, name, owner) => {
          const input = { networkId, deviceTypeId: 7, deviceId, name, owner };
          let topic: string;
          try {
            topic = formatEventTopic(kind, input);
          } catch (error) {
            expect(error).toBeInstanceOf(RangeError);
            return;
          }
          expect(parseTopic(topic)).toEqual({ kind, ...input });
        },
      ),
      RUNS,
    );
  });
  it('is the only spelling of a parsed event topic', () => {
    const idLevel = fc.oneof(fc.nat().map(String), fc.stringMatching(/^[0-9]{1,3}$/));
    fc.assert(
      fc.property(
        idLevel,
        idLevel,
        fc.oneof(deviceIdArb, exoticText(4)),
        exoticText(10),
        (net, type, device, rest) => {
          const topic = `dh/notification/${net}/${type}/${device}/${rest}`;
          const parsed = parseTopic(topic);
          if (parsed.kind === 'notification')
            expect(formatEventTopic(parsed.kind, parsed)).toBe(topic);
        },
      ),
      RUNS,
    );
  });
});

describe('REQUEST_TOPIC', () => {
  it('parses as the request topic', () => {
    expect(parseTopic(REQUEST_TOPIC)).toEqual({ kind: 'request' });
  });
});
