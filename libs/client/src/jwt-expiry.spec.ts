import { tokenExpiry } from './jwt-expiry';

const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('tokenExpiry', () => {
  it('reads payload.e of a dh-mqtt access token', () => {
    const token = `${part({ alg: 'HS256' })}.${part({ payload: { u: 1, e: 1765000000000, t: 1 } })}.sig`;
    expect(tokenExpiry(token)).toBe(1765000000000);
  });

  it.each(['', 'abc', 'a.!!!.c', `a.${part({ exp: 5 })}.c`])('is undefined for %j', (token) => {
    expect(tokenExpiry(token)).toBeUndefined();
  });
});
