import { acceptedOf, rejectionOf } from '../testing/dto.fixtures';
import { NotificationGetRequest, NotificationInsertRequest } from './notification.dto';

describe(NotificationInsertRequest.name, () => {
  it('accepts the minimal and the full notification', () => {
    expect(
      acceptedOf('notification/insert', { deviceId: 'd1', notification: { notification: 't' } })
        .notification,
    ).toEqual({ notification: 't' });
    const request = acceptedOf('notification/insert', {
      deviceId: 'd1',
      notification: {
        notification: 'temperature',
        timestamp: '2018-02-08T15:49:29+01:00',
        parameters: { t: 20.5 },
      },
    });
    expect(request.notification.parameters).toEqual({ t: 20.5 });
    expect(request.notification.timestamp?.toISOString()).toBe('2018-02-08T14:49:29.000Z');
  });

  it.each([
    [{}, 'Notification is required'],
    [{ deviceId: 'd1' }, 'Notification is required'],
    [{ notification: {} }, 'Notification is required'],
    [{ notification: { parameters: {} } }, 'Notification is required'],
    [{ notification: { notification: 't' } }, 'Device id is wrong or empty'],
    [{ deviceId: 'd1', notification: 'temperature' }, 'Malformed Json received.'],
    [
      { deviceId: 'd1', notification: { notification: 't', parameters: 20 } },
      "'parameters' must be JSON Object!",
    ],
    [
      { deviceId: 'd1', notification: { notification: 't', timestamp: {} } },
      'Unparseable timestamp',
    ],
  ])('with %j replies 400 %s (notification checked before deviceId)', (payload, text) => {
    expect(rejectionOf('notification/insert', payload)).toMatchObject({ status: 400, text });
  });
});

describe(NotificationGetRequest.name, () => {
  it.each([[7], ['7']])('accepts the id %j', (notificationId) => {
    expect(acceptedOf('notification/get', { deviceId: 'd1', notificationId }).notificationId).toBe(
      7,
    );
  });

  it.each([
    [{ notificationId: 1 }, 'Device id is wrong or empty'],
    [{ deviceId: 'd1' }, 'Notification id is wrong or empty'],
    [{ deviceId: 'd1', notificationId: 'seven' }, 'Notification id should be an integer value.'],
    [{ deviceId: 'd1', notificationId: 1.5 }, 'Notification id should be an integer value.'],
  ])('with %j replies 400 %s', (payload, text) => {
    expect(rejectionOf('notification/get', payload)).toMatchObject({ status: 400, text });
  });
});

describe('notification/list, subscribe and unsubscribe', () => {
  it('lists with the reference defaults', () => {
    expect(
      acceptedOf('notification/list', { deviceId: 'd1', notification: 't', take: 1000 }),
    ).toMatchObject({
      notification: 't',
      take: 1000,
      skip: 0,
    });
    expect(
      acceptedOf('notification/list', { deviceId: 'd1', sortField: 'notification' }).sortOrder,
    ).toBe('DESC');
  });

  it.each([
    ['notification/list', {}, 'Device id is wrong or empty'],
    ['notification/list', { deviceId: 'd1', sortField: 'status' }, 'Invalid request parameters'],
    [
      'notification/list',
      { deviceId: 'd1', sortOrder: 'sideways' },
      'Unparseable sort order : sideways',
    ],
    ['notification/subscribe', { networkIds: [{}] }, 'Malformed Json received.'],
    ['notification/subscribe', { timestamp: 'now' }, 'Unparseable timestamp'],
    [
      'notification/unsubscribe',
      { subscriptionId: [] },
      'Validation failed: subscriptionId must be an integer',
    ],
  ] as const)('%s with %j replies 400 %s', (action, payload, text) => {
    expect(rejectionOf(action, payload)).toMatchObject({ status: 400, text });
  });

  it('subscribes without limit or returnUpdatedCommands', () => {
    expect(
      acceptedOf('notification/subscribe', { names: ['t'], limit: 5, returnUpdatedCommands: true }),
    ).toEqual({ names: ['t'] });
  });
});
