import { signToken, TokenType, verifyToken } from './jwt';
import { jwtKey } from './jwt-secret';

/**
 * Keys and tokens from a DeviceHive Java server's own code (jjwt 0.7.0 with JAXB's Base64 decoder),
 * printed by tools/jwt-vectors/reference-jwt-vectors.java: [secret, key, token signature]. Every
 * token signs the same access grant, `{"payload":{"u":1,"a":[0],"n":["*"],"dt":["*"],
 * "e":4102444800000,"t":1}}` under the header `{"alg":"HS256"}`.
 */
const SIGNED =
  'eyJhbGciOiJIUzI1NiJ9.eyJwYXlsb2FkIjp7InUiOjEsImEiOlswXSwibiI6WyIqIl0sImR0IjpbIioiXSwiZSI6NDEwMjQ0NDgwMDAwMCwidCI6MX19';
const GRANT = { u: 1, a: [0], n: ['*'], dt: ['*'] };
const EXPIRY = 4102444800000;

const REFERENCE_KEYS: [secret: string, key: string, signature: string][] = [
  ['devicehi', '75ebe271e862', 'cTwrTgsPSVyngjEdQcfhKFbEG0WsAsQzcjXfmGzTKB8'],
  ['devicehiv', '75ebe271e862', 'cTwrTgsPSVyngjEdQcfhKFbEG0WsAsQzcjXfmGzTKB8'],
  ['devicehive', '75ebe271e862', 'cTwrTgsPSVyngjEdQcfhKFbEG0WsAsQzcjXfmGzTKB8'],
  ['devicehivex', '75ebe271e862', 'cTwrTgsPSVyngjEdQcfhKFbEG0WsAsQzcjXfmGzTKB8'],
  [
    'c2VjcmV0LWtleS1ieXRlcw==',
    '7365637265742d6b65792d6279746573',
    'NS9MGDgBj5y1HV_nXiEmZEIZ7G-RHmg6P7l53TjRetA',
  ],
  ['b3RoZXI=', '6f74686572', 'w7XD1zoXABas2gKP5ONzt3eADIXY86kKXiN7C-gozBc'],
  ['abcde', '69b71d', 'd7pcf269ob6aexjqKk0WYM-B8XQhp4Adp_d17EsyFDY'],
  ['abcdef', '69b71d', 'd7pcf269ob6aexjqKk0WYM-B8XQhp4Adp_d17EsyFDY'],
  ['abcdefg', '69b71d', 'd7pcf269ob6aexjqKk0WYM-B8XQhp4Adp_d17EsyFDY'],
  ['dev-ice_hive!', '75ebe271e862', 'cTwrTgsPSVyngjEdQcfhKFbEG0WsAsQzcjXfmGzTKB8'],
  ['a b c d e f', '69b71d', 'd7pcf269ob6aexjqKk0WYM-B8XQhp4Adp_d17EsyFDY'],
  ['ab=cdefg', '69dc75e7e0', '6ykL8exnL0pWrLCxCIG4X1CgtCeVYRrEVghKf9yBagY'],
  ['A=AA', '07f000', 'yrcrsF6BLwQKJLgg4TFBpWeFsgO7UAm-zR_NBTfF_Hg'],
  ['AA=A', '00c0', 'IhyReMrYskxZupmK1eg81gYzDcoPbjNrJCRtrJwGNSE'],
  ['ab===', '69', 'HH23AiIGC6yS7Vkk6J8G3AkVTt1Ro5BZKf51y0bwB-c'],
  [
    '3v0k8qf1m2n5p7r9t0u4c6e8gh',
    'defd24f2a7f59b69f9a7bafdb74bb873a7bc',
    'MYmnA8uye0T4a8f6sC2oPKU59MZLQjCf7VYWyo4YcCE',
  ],
  [
    'dGVzdC1zZWNyZXQtb2YtZGgtbXF0dA==',
    '746573742d7365637265742d6f662d64682d6d717474',
    '9FlEG8Pc9s570OXSO2Bz6K-mI47yBLw0mFTp69xye1E',
  ],
];

/** Secrets the reference cannot sign with at all, and the exception it throws. */
const REFERENCE_FAILURES: [secret: string, failure: string][] = [
  ['AAAA=', 'ArrayIndexOutOfBoundsException'],
  ['AAAAA=', 'ArrayIndexOutOfBoundsException'],
  ['abc==', 'ArrayIndexOutOfBoundsException'],
  ['sécret', 'ArrayIndexOutOfBoundsException'],
  ['=', 'NegativeArraySizeException'],
  ['==', 'NegativeArraySizeException'],
  ['', ''],
  ['!!!', ''],
  ['ab', ''],
  ['abc', ''],
];

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe(jwtKey.name, () => {
  it.each(REFERENCE_KEYS)('derives the key of %j as the reference does: %s', (secret, key) => {
    expect(hex(jwtKey(secret))).toBe(key);
  });

  it('covers secrets of every length mod 4, padded ones and ones with other characters', () => {
    const secrets = REFERENCE_KEYS.map(([secret]) => secret);
    expect(new Set(secrets.map((s) => s.length % 4))).toEqual(new Set([0, 1, 2, 3]));
    expect(secrets.some((s) => s.endsWith('=='))).toBe(true);
    expect(secrets.some((s) => /[^=]=$/.test(s))).toBe(true);
    expect(secrets.some((s) => /[^A-Za-z0-9+/=]/.test(s))).toBe(true);
  });

  it('derives 6 bytes from devicehive, where Base64 in Node gives 7', () => {
    expect(Buffer.from('devicehive', 'base64')).toHaveLength(7);
    expect(hex(jwtKey('devicehive'))).toBe('75ebe271e862');
  });

  it.each(REFERENCE_FAILURES)('refuses %j, with which the reference throws %s', (secret) => {
    expect(() => jwtKey(secret)).toThrow();
  });
});

describe('tokens shared with a DeviceHive Java server on the same secret', () => {
  it.each(REFERENCE_KEYS)(
    'verifies the reference token signed with %j',
    async (secret, _key, sig) => {
      await expect(verifyToken(secret, `${SIGNED}.${sig}`)).resolves.toEqual({
        ...GRANT,
        e: EXPIRY,
        t: TokenType.Access,
      });
    },
  );

  it.each(REFERENCE_KEYS)(
    'signs with %j the token the reference signs',
    async (secret, _key, sig) => {
      await expect(signToken(secret, GRANT, TokenType.Access, EXPIRY)).resolves.toBe(
        `${SIGNED}.${sig}`,
      );
    },
  );

  it('rejects a reference token signed with another secret', async () => {
    const [, , otherSignature] = REFERENCE_KEYS.find(([s]) => s === 'b3RoZXI=') ?? [];
    await expect(verifyToken('devicehive', `${SIGNED}.${otherSignature}`)).rejects.toMatchObject({
      status: 401,
      message: 'Invalid credentials',
    });
  });
});
