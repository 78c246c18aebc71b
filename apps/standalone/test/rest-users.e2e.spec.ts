import { ApiTestServer } from './api-test-client';

jest.setTimeout(60_000);

/** The user endpoints of docs/api/rest.md ("Users") and the counts, over real HTTP. */
describe('the REST user endpoints', () => {
  const server = new ApiTestServer();
  let token: string;
  let userId: number;

  beforeAll(async () => {
    await server.start();
    token = await server.login();
    const created = await server.rest('POST', '/api/rest/user', {
      token,
      body: {
        login: 'typed-user',
        password: 'typed-pass-1',
        role: 1,
        allDeviceTypesAvailable: false,
      },
    });
    userId = created.json['id'] as number;
  });
  afterAll(() => server.stop());

  it('lists and counts users with filters', async () => {
    expect(
      (await server.rest('GET', '/api/rest/user?loginPattern=typed%25', { token })).body,
    ).toEqual([expect.objectContaining({ id: userId, login: 'typed-user', role: 1 })]);
    expect((await server.rest('GET', '/api/rest/user/count?role=1', { token })).body).toEqual({
      count: 1,
    });
    expect((await server.rest('GET', '/api/rest/user/count', { token })).body).toEqual({
      count: 2,
    });
  });

  it('updates a user (204) and the current user (204)', async () => {
    const update = { data: { team: 'a' }, introReviewed: true };
    expect(
      (await server.rest('PUT', `/api/rest/user/${userId}`, { token, body: update })).status,
    ).toBe(204);
    expect((await server.rest('GET', `/api/rest/user/${userId}`, { token })).body).toMatchObject(
      update,
    );
    const mine = await server.rest('PUT', '/api/rest/user/current', {
      token,
      body: { data: { me: 1 } },
    });
    expect(mine.status).toBe(204);
    expect((await server.rest('GET', '/api/rest/user/current', { token })).body).toMatchObject({
      data: { me: 1 },
    });
  });

  it('assigns, reads, lists and unassigns device types of a user', async () => {
    const base = `/api/rest/user/${userId}/devicetype`;
    expect((await server.rest('PUT', `${base}/2`, { token })).status).toBe(204);
    expect(await server.rest('GET', `${base}/2`, { token })).toMatchObject({
      status: 200,
      body: { deviceType: { id: 2, name: 'Cameras' } },
    });
    expect((await server.rest('GET', base, { token })).body).toEqual([
      expect.objectContaining({ id: 2 }),
    ]);
    expect((await server.rest('DELETE', `${base}/2`, { token })).status).toBe(204);
    expect((await server.rest('GET', `${base}/2`, { token })).body).toEqual({
      error: 404,
      message: `Device type with id 2 for user with id ${userId} was not found`,
    });
  });

  it('allows and disallows every device type for a user', async () => {
    const base = `/api/rest/user/${userId}/devicetype`;
    expect((await server.rest('PUT', `${base}/all`, { token })).status).toBe(204);
    expect((await server.rest('GET', `/api/rest/user/${userId}`, { token })).body).toMatchObject({
      allDeviceTypesAvailable: true,
    });
    expect((await server.rest('PUT', `${base}/3`, { token })).body).toEqual({
      error: 403,
      message: 'Cannot assign device type to user with all device types allowed',
    });
    expect((await server.rest('DELETE', `${base}/all`, { token })).status).toBe(204);
    expect((await server.rest('GET', `/api/rest/user/${userId}`, { token })).body).toMatchObject({
      allDeviceTypesAvailable: false,
    });
  });

  it.each([
    ['/api/rest/network/count', { count: 1 }],
    ['/api/rest/devicetype/count', { count: 8 }],
    ['/api/rest/devicetype?name=Cars', [expect.objectContaining({ id: 7, name: 'Cars' })]],
    ['/api/rest/info/config/cluster', expect.any(Object)],
  ])('GET %s', async (path, body) => {
    expect(await server.rest('GET', path, { token })).toMatchObject({ status: 200, body });
  });

  it('refuses an unknown user with 404 and a user of a wrong id kind with 400', async () => {
    expect((await server.rest('GET', '/api/rest/user/424242', { token })).body).toEqual({
      error: 404,
      message: 'User with id = 424242 not found',
    });
    expect((await server.rest('GET', '/api/rest/user/abc', { token })).status).toBe(400);
  });

  it('deletes a network with its devices only with force=true', async () => {
    const id = (await server.rest('POST', '/api/rest/network', { token, body: { name: 'doomed' } }))
      .json['id'] as number;
    await server.rest('PUT', '/api/rest/device/doomed-dev', {
      token,
      body: { name: 'd', networkId: id },
    });
    expect((await server.rest('DELETE', `/api/rest/network/${id}`, { token })).body).toEqual({
      error: 400,
      message:
        'There are the following devices within this network: doomed-dev. Please review and delete them first.',
    });
    expect(
      (await server.rest('DELETE', `/api/rest/network/${id}?force=true`, { token })).status,
    ).toBe(204);
    expect((await server.rest('GET', '/api/rest/device/doomed-dev', { token })).status).toBe(404);
  });
});
