import { compilePath, matchPath } from './route-match';
import { idListValue, listValue, queryFields, wireValue } from './route-input';
import { restResponse } from './rest-call';

const segments = (path: string) => path.split('/').slice(1);

describe(matchPath.name, () => {
  const pattern = compilePath('/api/rest/device/{deviceId}/command/{id}');

  it.each([
    ['/api/rest/device/d1/command/7', { deviceId: 'd1', id: '7' }],
    ['/api/rest/device/a%20b/command/7', { deviceId: 'a b', id: '7' }],
    ['/api/rest/device/d1/command', null],
    ['/api/rest/device//command/7', null],
    ['/api/rest/device/%E0%A4%A/command/7', null],
    ['/api/rest/network/d1/command/7', null],
  ])('matches %s as %j', (path, params) => {
    expect(matchPath(pattern, segments(path))).toEqual(params);
  });

  it('keeps a parameter named like a prototype member an ordinary value', () => {
    const params = matchPath(compilePath('/x/{name}'), segments('/x/__proto__'));
    expect(params).toEqual({ name: '__proto__' });
    expect(Object.getPrototypeOf(params)).toBe(Object.prototype);
  });
});

describe('query values', () => {
  it.each([
    ['12', 12],
    ['-3', -3],
    ['1.5', '1.5'],
    ['abc', 'abc'],
    ['9999999999999999', '9999999999999999'],
    [null, undefined],
  ])('reads %p as %p (the action refuses what is not an integer)', (text, value) => {
    expect(wireValue(text)).toBe(value);
  });

  it('splits lists and keeps only the named query parameters', () => {
    expect(listValue('a, b,c')).toEqual(['a', 'b', 'c']);
    expect(listValue('')).toBeUndefined();
    expect(idListValue('1,x')).toEqual([1, 'x']);
    const query = new URLSearchParams('take=5&skip=x&other=1');
    expect(queryFields(query, ['take', 'skip', 'sortField'])).toEqual({ take: 5, skip: 'x' });
  });
});

describe(restResponse.name, () => {
  const ok = {
    action: 'device/get',
    requestId: null,
    status: 'success' as const,
    device: { id: 'd' },
  };

  it('sends the named field, the whole payload, or nothing (204)', () => {
    expect(restResponse(ok, 'device')).toEqual({ status: 200, body: { id: 'd' } });
    expect(restResponse(ok, '', 201)).toEqual({ status: 201, body: { device: { id: 'd' } } });
    expect(restResponse(ok, undefined)).toEqual({ status: 204 });
  });

  it('turns an error reply into the reference body with its status', () => {
    const error = {
      action: 'device/get',
      requestId: null,
      code: 404,
      status: 'error' as const,
      error: 'gone',
    };
    expect(restResponse(error, 'device')).toEqual({
      status: 404,
      body: { error: 404, message: 'gone' },
    });
  });
});
