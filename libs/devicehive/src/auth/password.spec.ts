import {
  hashNewPassword,
  hashPassword,
  needsRehash,
  SCRYPT_PARAMS,
  verifyPassword,
} from './password';

// The bootstrap admin of a fresh database: the reference salt, password and hash.
const REFERENCE = {
  salt: 'sjQbZgcCmFxqTV4CCmGwpIHO',
  password: 'dhadmin_#911',
  hash: 'DFXFrZ8VQIkOYECScBbBwsYinj+o8IlaLsRQ81wO+l8=',
};

describe('password storage', () => {
  it('computes the reference hash Base64(SHA-256(salt + password))', () => {
    expect(hashPassword(REFERENCE.password, REFERENCE.salt)).toBe(REFERENCE.hash);
  });

  it('stores new passwords as $scrypt$ln=15,r=8,p=1$<salt>$<hash>, fresh salt each time', async () => {
    expect(SCRYPT_PARAMS).toEqual({ ln: 15, r: 8, p: 1 });
    const [a, b] = await Promise.all([hashNewPassword('same one'), hashNewPassword('same one')]);
    expect(a).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(a.length).toBeLessThanOrEqual(255);
    expect(a).not.toBe(b);
  });

  it('verifies a scrypt hash: the right password only', async () => {
    const stored = await hashNewPassword('correct horse');
    await expect(verifyPassword('correct horse', stored, null)).resolves.toBe(true);
    await expect(verifyPassword('correct horsE', stored, null)).resolves.toBe(false);
    await expect(verifyPassword('', stored, null)).resolves.toBe(false);
  });

  describe('when the same password verified against the same hash a moment ago', () => {
    it('matches again without a scrypt; a wrong password still pays one', async () => {
      // ln=17 makes a scrypt cost ~350 ms here: the difference cannot be noise.
      const stored = await hashNewPassword('reconnecting device', { ln: 17, r: 8, p: 1 });
      await expect(verifyPassword('reconnecting device', stored, null)).resolves.toBe(true);

      let started = Date.now();
      await expect(verifyPassword('reconnecting device', stored, null)).resolves.toBe(true);
      const again = Date.now() - started;
      started = Date.now();
      await expect(verifyPassword('reconnecting devicE', stored, null)).resolves.toBe(false);
      const wrong = Date.now() - started;
      expect(again).toBeLessThan(20);
      expect(wrong).toBeGreaterThan(100);
    });

    it('never lets an old password match a changed hash', async () => {
      const before = await hashNewPassword('old secret');
      await expect(verifyPassword('old secret', before, null)).resolves.toBe(true);
      const after = await hashNewPassword('new secret');
      await expect(verifyPassword('old secret', after, null)).resolves.toBe(false);
      await expect(verifyPassword('new secret', after, null)).resolves.toBe(true);
    });
  });

  it('verifies with the parameters the stored hash names, so they can be raised later', async () => {
    const cheap = await hashNewPassword('older hash', { ln: 10, r: 8, p: 1 });
    expect(cheap).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$/);
    await expect(verifyPassword('older hash', cheap, null)).resolves.toBe(true);
    await expect(verifyPassword('other', cheap, null)).resolves.toBe(false);
    expect(needsRehash(cheap)).toBe(true);
    expect(needsRehash(await hashNewPassword('current'))).toBe(false);
  });

  it('still verifies reference hashes, which are due for a rehash', async () => {
    await expect(verifyPassword(REFERENCE.password, REFERENCE.hash, REFERENCE.salt)).resolves.toBe(
      true,
    );
    await expect(verifyPassword('dhadmin_#912', REFERENCE.hash, REFERENCE.salt)).resolves.toBe(
      false,
    );
    expect(needsRehash(REFERENCE.hash)).toBe(true);
  });

  it.each([
    ['no hash', null, null],
    ['a reference hash without its salt', REFERENCE.hash, null],
    ['a scrypt prefix with garbage', '$scrypt$garbage', null],
    ['an unknown scheme', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA', null],
    [
      'a cost beyond the bounds (2^30)',
      `$scrypt$ln=30,r=8,p=1$${'A'.repeat(22)}$${'B'.repeat(43)}`,
      null,
    ],
    ['a cost of 2^0', `$scrypt$ln=0,r=8,p=1$${'A'.repeat(22)}$${'B'.repeat(43)}`, null],
  ])('refuses every password against %s', async (_case, hash, salt) => {
    await expect(verifyPassword(REFERENCE.password, hash, salt)).resolves.toBe(false);
    await expect(verifyPassword('', hash, salt)).resolves.toBe(false);
  });

  it('verifies a scrypt hash by scrypt even when a salt is stored next to it', async () => {
    const stored = await hashNewPassword('pw-123456');
    await expect(verifyPassword('pw-123456', stored, 'some-salt')).resolves.toBe(true);
    await expect(verifyPassword(stored, stored, 'x')).resolves.toBe(false);
  });

  it('runs hashes off the event loop (timers keep firing during a burst of 8)', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = Date.now();
    try {
      await Promise.all(Array.from({ length: 8 }, (_, i) => hashNewPassword(`burst-${i}`)));
    } finally {
      clearInterval(timer);
    }
    // A synchronous hash would let the timer fire at most once after the burst.
    expect(ticks).toBeGreaterThanOrEqual(Math.max(3, Math.floor((Date.now() - started) / 25)));
  });
});
