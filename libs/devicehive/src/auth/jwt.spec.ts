import { createHmac } from 'node:crypto';
import { generateJwtSecret, jwtKey } from './jwt-secret';
import { signToken, TokenType, verifyToken } from './jwt';

const SECRET = 'c2VjcmV0LWtleS1ieXRlcw==';
const DOC_GRANT = { u: 17248, a: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15], n: ['12342'], dt: ['*'] };

const segment = (json: string) => Buffer.from(json).toString('base64url');
/** The reference's key of each secret used here (jwt-key.spec.ts checks the derivation). */
const KEYS: Record<string, string> = { [SECRET]: 'secret-key-bytes', 'b3RoZXI=': 'other' };
/** Signs like the reference (jjwt 0.7): HMAC-SHA256 keyed with the Base64-decoded secret. */
function referenceToken(secret: string, claims: object, header = '{"alg":"HS256"}'): string {
  const unsigned = `${segment(header)}.${segment(JSON.stringify(claims))}`;
  const key = Buffer.from(KEYS[secret] ?? '');
  return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
}

describe(signToken.name, () => {
  it('writes the reference layout byte for byte (docs/api/README.md, JWT)', async () => {
    const token = await signToken(SECRET, DOC_GRANT, TokenType.Access, 1505811340258);
    const [header, payload] = token.split('.').map((s) => Buffer.from(s, 'base64url').toString());
    expect(header).toBe('{"alg":"HS256"}');
    expect(payload).toBe(
      '{"payload":{"u":17248,"a":[2,3,4,5,6,7,8,9,10,11,15],"n":["12342"],"dt":["*"],"e":1505811340258,"t":1}}',
    );
  });

  it('signs with the Base64-decoded secret, as the reference does', async () => {
    const token = await signToken(SECRET, DOC_GRANT, TokenType.Refresh, 1505811340258);
    expect(token).toBe(
      referenceToken(SECRET, { payload: { ...DOC_GRANT, e: 1505811340258, t: 0 } }),
    );
  });
});

describe(verifyToken.name, () => {
  it('accepts a token signed the reference way', async () => {
    const token = referenceToken(SECRET, { payload: { ...DOC_GRANT, e: 1, t: 1 } });
    await expect(verifyToken(SECRET, token)).resolves.toEqual({ ...DOC_GRANT, e: 1, t: 1 });
  });

  it.each([
    ['another secret', referenceToken('b3RoZXI=', { payload: { u: 1, e: 1, t: 1 } })],
    ['alg none', `${segment('{"alg":"none"}')}.${segment('{"payload":{"u":1,"e":1,"t":1}}')}.`],
    ['no e claim', referenceToken(SECRET, { payload: { u: 1, t: 1 } })],
    ['no t claim', referenceToken(SECRET, { payload: { u: 1, e: 1 } })],
    ['a plugin token (no u)', referenceToken(SECRET, { payload: { tpc: 'x', e: 1, t: 1 } })],
    ['no payload', referenceToken(SECRET, { sub: '1' })],
    ['garbage', 'garbage'],
  ])('rejects %s with 401 Invalid credentials', async (_case, token) => {
    await expect(verifyToken(SECRET, token)).rejects.toMatchObject({
      status: 401,
      message: 'Invalid credentials',
    });
  });
});

describe(generateJwtSecret.name, () => {
  it('renders a random 130-bit number in base 32, usable as a key', () => {
    const secrets = new Set(Array.from({ length: 20 }, generateJwtSecret));
    expect(secrets.size).toBe(20);
    for (const secret of secrets) {
      expect(secret).toMatch(/^[0-9a-v]{1,26}$/);
      expect(jwtKey(secret).length).toBeGreaterThan(0);
    }
  });
});
