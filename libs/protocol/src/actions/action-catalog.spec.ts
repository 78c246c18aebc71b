import {
  ACTION_NAMES,
  ACTIONS,
  findAction,
  isSubscribeAction,
  subscriptionPermission,
  writesOf,
  type ActionSpec,
} from './action-catalog';

describe('the action catalog', () => {
  it('answers unknown for prototype members named on the wire', () => {
    expect(findAction('__proto__')).toBeUndefined();
    expect(findAction('constructor')).toBeUndefined();
  });

  it.each([
    ['command', 'GetDeviceCommand'],
    ['notification', 'GetDeviceNotification'],
  ] as const)('a %s subscription needs %s, its subscribe action permission', (type, permission) => {
    expect(subscriptionPermission(type)).toBe(permission);
  });

  it('names one subscribe and one unsubscribe action per event type', () => {
    const subscriptions = ACTION_NAMES.flatMap((name) => {
      const spec: ActionSpec = ACTIONS[name];
      return spec.subscription ? [`${spec.subscription.op} ${spec.subscription.type} ${name}`] : [];
    });
    expect(subscriptions.sort()).toEqual([
      'subscribe command command/subscribe',
      'subscribe notification notification/subscribe',
      'unsubscribe command command/unsubscribe',
      'unsubscribe notification notification/unsubscribe',
    ]);
  });

  it.each([
    ['command/subscribe', true],
    ['notification/subscribe', true],
    ['command/unsubscribe', false],
    ['subscription/list', false],
    ['command/insert', false],
    ['__proto__', false],
  ])('%s is a subscribe action: %s', (name, expected) => {
    expect(isSubscribeAction(name)).toBe(expected);
  });

  it.each([
    ['device/get', 'nothing'],
    ['token', 'not-devices'],
    ['command/insert', 'not-devices'],
    ['device/save', 'anything'],
    ['network/delete', 'anything'],
  ] as const)('%s writes %s', (action, writes) => {
    expect(writesOf(action)).toBe(writes);
  });
});
