import fc from 'fast-check';
import { isDeliverableTo, isPrivateTo, ownerOf, topicMatches } from './topic-match';
import { validateFilter, validatePublishTopic } from './topic-validation';

/** Independent MQTT 3.1.1 matcher: compiles the filter to one regular expression. */
function referenceMatches(filter: string, topic: string): boolean {
  const multi = filter === '#' || filter.endsWith('/#');
  const body = filter === '#' ? '' : multi ? filter.slice(0, -2) : filter;
  const escaped = body
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/(^|\/)\\\+(?=\/|$)/g, '$1[^/]*');
  const tail = filter === '#' ? '.*' : multi ? '(?:/.*)?' : '';
  const dollarGuard = /^[+#]/.test(filter) ? '(?!\\$)' : '';
  return new RegExp(`^${dollarGuard}${escaped}${tail}$`, 's').test(topic);
}

const level = fc.constantFrom('a', 'b', 'dh', '', '$SYS', '$x', 'x@y', 'a.b', '(', '*', '\\', 'é');
const topicArb = fc
  .array(level, { minLength: 1, maxLength: 5 })
  .map((levels) => levels.join('/'))
  .filter((topic) => validatePublishTopic(topic).valid);
const filterArb = fc
  .tuple(fc.array(fc.oneof(level, fc.constant('+')), { maxLength: 5 }), fc.boolean())
  .map(([levels, multi]) => (multi ? [...levels, '#'] : levels).join('/'))
  .filter((filter) => validateFilter(filter).valid);
/** A filter built from the topic itself, so that most pairs match. */
const derivedPairArb = topicArb.chain((topic) => {
  const levels = topic.split('/');
  return fc
    .tuple(
      fc.array(fc.boolean(), { minLength: levels.length, maxLength: levels.length }),
      fc.option(fc.nat({ max: levels.length }), { nil: null }),
    )
    .map(([wild, cut]) => {
      const masked = levels.map((l, i) => (wild[i] ? '+' : l));
      const filter = cut === null ? masked.join('/') : [...masked.slice(0, cut), '#'].join('/');
      return { filter, topic };
    });
});

describe(topicMatches.name, () => {
  describe('when filters use MQTT wildcards', () => {
    it.each([
      ['a/b', 'a/b', true],
      ['a/b', 'a/c', false],
      ['a/b', 'a/b/c', false],
      ['a/+', 'a/b', true],
      ['a/+', 'a', false],
      ['a/+', 'a/', true],
      ['a/+', 'a/b/c', false],
      ['+/+', '/', true],
      ['+', '', true],
      ['/+', '/x', true],
      ['a/#', 'a', true],
      ['a/#', 'a/b/c', true],
      ['a/#', 'ab', false],
      ['#', 'a/b', true],
      ['#', '/', true],
      ['+/b/#', 'x/b', true],
      ['A/b', 'a/b', false],
      ['dh/response/#', 'dh/response/user/getCurrent@c1', true],
      ['dh/response/+', 'dh/response/token@a/b', false],
      ['dh/command/1/+/+/light', 'dh/command/1/2/d/light', true],
      ['dh/command_update/+/5/#', 'dh/command_update/1/5/d/x', true],
      ['dh/command_update/+/5/#', 'dh/command_update/1/6/d/x', false],
    ])('matches %j against %j: %s', (filter, topic, expected) => {
      expect(topicMatches(filter, topic)).toBe(expected);
    });
  });

  describe('when the topic starts with $ [MQTT-4.7.2-1]', () => {
    it.each([
      ['#', '$SYS/broker', false],
      ['+/broker', '$SYS/broker', false],
      ['+', '$SYS', false],
      ['$SYS/#', '$SYS/broker', true],
      ['$SYS/+', '$SYS/broker', true],
      ['a/#', 'a/$SYS', true],
      ['+/+', 'a/$x', true],
    ])('matches %j against %j: %s', (filter, topic, expected) => {
      expect(topicMatches(filter, topic)).toBe(expected);
    });
  });

  it('agrees with an independent regular-expression matcher', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(filterArb, topicArb),
          derivedPairArb.map((p) => [p.filter, p.topic] as const),
        ),
        ([filter, topic]) => {
          expect(topicMatches(filter, topic)).toBe(referenceMatches(filter, topic));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('matches every topic with a filter derived from it, unless a wildcard would capture a $ topic', () => {
    fc.assert(
      fc.property(derivedPairArb, ({ filter, topic }) => {
        const dollarRule = topic.startsWith('$') && /^[+#]/.test(filter);
        expect(topicMatches(filter, topic)).toBe(!dollarRule);
      }),
      { numRuns: 500 },
    );
  });
});

describe(ownerOf.name, () => {
  it.each([
    ['dh/response/token@c1', 'c1'],
    ['dh/response/user/getCurrent@a@b/c', 'a@b/c'],
    ['dh/notification/1/2/d/temp@ x ', ' x '],
    ['dh/notification/1/2/d/temp', null],
    ['dh/request', null],
    ['dh/response/token@', null],
    ['home/user@example.com', null],
    ['dh@x/y', null],
  ])('reads the owner of %j as %j', (topic, owner) => {
    expect(ownerOf(topic)).toBe(owner);
  });
});

describe(isPrivateTo.name, () => {
  it.each([
    ['dh/response/token@c1', 'c1', true],
    ['dh/response/token@c1', 'c2', false],
    ['dh/response/token@c1/x', 'c1', false],
    ['dh/response/token@c1', 'c1/x', false],
    ['dh/notification/1/2/d/t', 'c1', false],
    ['home/a@c1', 'c1', false],
  ])('says %j is private to %j: %s', (topic, clientId, expected) => {
    expect(isPrivateTo(topic, clientId)).toBe(expected);
  });
});

describe(isDeliverableTo.name, () => {
  it.each([
    ['dh/response/token@c1', 'c1', true],
    ['dh/response/token@c1', 'c2', false],
    ['dh/response/token@__proto__', 'constructor', false],
    ['dh/notification/1/2/d/t', 'anyone', true],
    ['dh/notification/1/2/d/t@c1', 'c2', false],
    ['home/a@c1', 'c2', true],
  ])('says %j may reach %j: %s', (topic, clientId, expected) => {
    expect(isDeliverableTo(topic, clientId)).toBe(expected);
  });
});
