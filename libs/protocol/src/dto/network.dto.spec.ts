import type { ActionName } from '../actions/action-catalog';
import { acceptedOf, rejectionOf } from '../testing/dto.fixtures';

/**
 * Networks and device types share rules (docs/api/networks.md, docs/api/device-types.md); one table
 * runs both.
 */
const groups = [
  {
    group: 'network',
    key: 'network',
    idKey: 'networkId',
    idRequired: 'Network id is wrong or empty',
    bodyRequired: 'Network is required',
  },
  {
    group: 'devicetype',
    key: 'deviceType',
    idKey: 'deviceTypeId',
    idRequired: 'Device type id is wrong or empty',
    bodyRequired: 'Device type is required',
  },
] as const;

describe.each(groups)('$group actions', ({ group, key, idKey, idRequired, bodyRequired }) => {
  const act = (name: string) => `${group}/${name}` as ActionName;

  describe('when the request is valid', () => {
    it('accepts an insert with a name and a description', () => {
      const request = acceptedOf(act('insert'), {
        [key]: { name: 'N', description: 'D', id: null },
      });
      expect((request as unknown as Record<string, unknown>)[key]).toEqual({
        name: 'N',
        description: 'D',
        id: null,
      });
    });

    it.each(['get', 'update', 'delete'])(
      '%s accepts the id as a number or a numeric string',
      (name) => {
        const payload = { [idKey]: '12', [key]: {} };
        expect((acceptedOf(act(name), payload) as unknown as Record<string, unknown>)[idKey]).toBe(
          12,
        );
      },
    );

    it('defaults force to false on delete', () => {
      expect(acceptedOf(act('delete'), { [idKey]: 1 })).toMatchObject({ force: false });
    });

    it('accepts a partial update', () => {
      const request = acceptedOf(act('update'), { [idKey]: 1, [key]: { description: null } });
      expect((request as unknown as Record<string, unknown>)[key]).toEqual({ description: null });
    });

    it('lists with id or name sort, case-insensitively', () => {
      expect(acceptedOf(act('list'), { sortField: 'ID', take: 10 })).toMatchObject({
        sortField: 'id',
        take: 10,
      });
    });
  });

  it.each([
    ['insert', {}, bodyRequired],
    ['insert', { [key]: 'N' }, 'Malformed Json received.'],
    [
      'insert',
      { [key]: { id: 5, name: 'N' } },
      'Invalid request parameters. Id cannot be specified.',
    ],
    ['insert', { [key]: { id: 5 } }, 'Invalid request parameters. Id cannot be specified.'],
    [
      'insert',
      { [key]: {} },
      `Validation failed: ${key}.name must be a string of 1 to 128 characters`,
    ],
    [
      'insert',
      { [key]: { name: '' } },
      `Validation failed: ${key}.name must be a string of 1 to 128 characters`,
    ],
    [
      'insert',
      { [key]: { name: 'N', description: 'd'.repeat(129) } },
      `Validation failed: ${key}.description must be a string of at most 128 characters`,
    ],
    ['get', {}, idRequired],
    ['get', { [idKey]: 'abc' }, 'Malformed Json received.'],
    ['get', { [idKey]: 1.5 }, 'Malformed Json received.'],
    ['update', { [key]: {} }, idRequired],
    ['update', { [idKey]: 1 }, bodyRequired],
    [
      'update',
      { [idKey]: 1, [key]: { name: 'n'.repeat(129) } },
      `Validation failed: ${key}.name must be a string of 1 to 128 characters`,
    ],
    ['delete', {}, idRequired],
    ['delete', { [idKey]: 1, force: 'yes' }, 'Validation failed: force must be a boolean'],
    ['list', { sortField: 'login' }, 'Invalid request parameters'],
    ['list', { sortOrder: 'random' }, 'Unparseable sort order : random'],
    ['count', { namePattern: 3 }, 'Validation failed: namePattern must be a string'],
  ])('%s with %j replies 400 %s', (name, payload, text) => {
    expect(rejectionOf(act(name), payload)).toMatchObject({ status: 400, text });
  });
});
