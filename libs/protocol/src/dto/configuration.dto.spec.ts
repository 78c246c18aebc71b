import { ConfigurationPutRequest } from './configuration.dto';
import { acceptedOf, rejectionOf } from '../testing/dto.fixtures';

describe(ConfigurationPutRequest.name, () => {
  it.each([
    ['a string', 'v', 'v'],
    ['a number', 1000, '1000'],
    ['a boolean', true, 'true'],
  ])('accepts %s value and keeps it as a string', (_kind, value, stored) => {
    expect(acceptedOf('configuration/put', { name: 'user.login.lastTimeout', value })).toEqual({
      name: 'user.login.lastTimeout',
      value: stored,
    });
  });

  it.each([
    [{ value: 'v' }, 'Configuration name is wrong or empty'],
    [{ name: '', value: 'v' }, 'Configuration name is wrong or empty'],
    [{ name: 7, value: 'v' }, 'Configuration name is wrong or empty'],
    [
      { name: 'n'.repeat(33), value: 'v' },
      "Name cannot be empty. The name's length should not be more than 32 symbols.",
    ],
    [{ name: 'n' }, 'value field cannot be null.'],
    [{ name: 'n', value: null }, 'value field cannot be null.'],
    [
      { name: 'n', value: '' },
      'Field cannot be empty. The length of value should not be more than 128 symbols.',
    ],
    [
      { name: 'n', value: 'v'.repeat(129) },
      'Field cannot be empty. The length of value should not be more than 128 symbols.',
    ],
  ])('with %j replies 400 %s', (payload, text) => {
    expect(rejectionOf('configuration/put', payload)).toMatchObject({ status: 400, text });
  });
});

describe('configuration/get and configuration/delete', () => {
  it.each(['configuration/get', 'configuration/delete'] as const)(
    '%s accepts a long name (the core says 404)',
    (action) => {
      expect(acceptedOf(action, { name: 'n'.repeat(40) }).name).toHaveLength(40);
    },
  );

  it.each([
    ['configuration/get', {}],
    ['configuration/get', { name: '' }],
    ['configuration/delete', { name: null }],
  ] as const)('%s with %j replies 400 Configuration name is wrong or empty', (action, payload) => {
    expect(rejectionOf(action, payload)).toEqual({
      status: 400,
      code: 'CONFIGURATION_NAME_REQUIRED',
      text: 'Configuration name is wrong or empty',
    });
  });
});
