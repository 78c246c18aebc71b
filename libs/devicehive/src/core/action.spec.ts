import { isDhError, validateRequest, type ActionRequest } from '@dh-mqtt/protocol';
import { typedRequest, type ActionImpl, type ActionTable } from './action';

describe(typedRequest.name, () => {
  describe('when the request is the typed request of its action already', () => {
    it('hands it on as it is, without validating it again', () => {
      const validated = validateRequest('device/get', { deviceId: 'd1' });
      if (!validated.ok) throw validated.error;
      expect(typedRequest('device/get', validated.request)).toBe(validated.request);
    });
  });

  describe('when the request is plain JSON', () => {
    it('builds the typed request of the action', () => {
      const request = typedRequest('network/delete', { networkId: '12' });
      expect(request).toMatchObject({ networkId: 12, force: false });
    });

    it("rejects with the DTO's error reply", () => {
      let caught: unknown;
      try {
        typedRequest('command/insert', { deviceId: 'd1' });
      } catch (error) {
        caught = error;
      }
      expect(isDhError(caught) && [caught.status, caught.message]).toEqual([
        400,
        'Command is required',
      ]);
    });
  });
});

describe('ActionTable', () => {
  it('takes an implementation only under the action whose request it reads', () => {
    const getUser: ActionImpl<'user/get'> = async (_ctx, request) => ({
      body: { userId: request.userId },
    });
    const table: ActionTable = { 'user/get': getUser };
    // @ts-expect-error a user/get implementation cannot stand for device/get
    const wrong: ActionTable = { 'device/get': getUser };
    const readsDeviceId = (request: ActionRequest<'device/get'>): string => request.deviceId;
    expect(Object.keys({ ...table, ...wrong })).toEqual(['user/get', 'device/get']);
    expect(readsDeviceId({ deviceId: 'd1' })).toBe('d1');
  });
});
