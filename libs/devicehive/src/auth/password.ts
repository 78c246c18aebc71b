import {
  createHash,
  createHmac,
  randomBytes,
  scrypt,
  timingSafeEqual,
  type ScryptOptions,
} from 'node:crypto';

/*
 * Password storage (docs/adr/0007-password-storage.md). New and changed passwords are stored as
 * `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>` (unpadded Base64) in `password_hash`, with
 * `password_salt` NULL. The reference scheme, Base64(SHA-256(salt + password)) with the salt in
 * `password_salt`, still verifies, so existing DeviceHive databases keep working; a successful
 * login rehashes it (login.ts).
 */

/**
 * The reference password scheme: Base64(SHA-256(salt + password)). Still verified (existing
 * DeviceHive databases, the bootstrap admin's reference hash); never used for new passwords.
 */
export function hashPassword(password: string, salt: string): string {
  return createHash('sha256')
    .update(salt + password, 'utf8')
    .digest('base64');
}

/** A salt of the reference scheme: Base64 of 18 random bytes. */
export function newSalt(): string {
  return randomBytes(18).toString('base64');
}

/** scrypt cost parameters, as written in a stored hash. */
export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  ln: number;
  r: number;
  p: number;
}

/** Cost of new hashes: N = 2^15, r = 8, p = 1 (32 MiB, ~90 ms on 2 vCPUs; see the ADR). */
export const SCRYPT_PARAMS: Readonly<ScryptParams> = { ln: 15, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
const PREFIX = '$scrypt$';
const FORMAT =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{16,88})\$([A-Za-z0-9+/]{16,88})$/;

/*
 * Bounds of the parameters a stored hash may carry: a row edited by hand cannot make a login
 * allocate gigabytes or spin for minutes (2^20 × 8 × 128 bytes = 1 GiB is the ceiling).
 */
const MAX_LN = 20;
const MAX_R = 32;
const MAX_P = 16;

/*
 * scrypt runs on libuv's thread pool, which file and DNS work share. A burst of logins (a
 * reconnect storm) would otherwise queue hashes on every pool thread; at most pool size - 1 run
 * at once, so one thread stays free for the rest of the process.
 */
const POOL_SIZE = Number.parseInt(process.env['UV_THREADPOOL_SIZE'] ?? '', 10) || 4;
const MAX_CONCURRENT_HASHES = Math.max(1, POOL_SIZE - 1);
let running = 0;
const waiting: Array<() => void> = [];

async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT_HASHES) {
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else {
    running++;
  }
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

function scryptOptions({ ln, r, p }: ScryptParams): ScryptOptions {
  const N = 2 ** ln;
  // Node refuses when 128·N·r (plus p blocks) reaches maxmem (32 MiB by default); leave room.
  return { N, r, p, maxmem: 2 * 128 * N * r + 128 * r * p + 1024 * 1024 };
}

/** scrypt on the thread pool (never scryptSync: logins run on the broker's event loop). */
function derive(
  password: string,
  salt: Buffer,
  params: ScryptParams,
  length = KEY_BYTES,
): Promise<Buffer> {
  return withHashSlot(
    () =>
      new Promise<Buffer>((resolve, reject) => {
        scrypt(password, salt, length, scryptOptions(params), (error, key) =>
          error ? reject(error) : resolve(key),
        );
      }),
  );
}

const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

function encode(params: ScryptParams, salt: Buffer, key: Buffer): string {
  return `${PREFIX}ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`;
}

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

function parse(stored: string): ParsedHash | null {
  const match = FORMAT.exec(stored);
  if (!match) return null;
  const [ln, r, p] = [match[1], match[2], match[3]].map(Number) as [number, number, number];
  if (ln < 1 || ln > MAX_LN || r < 1 || r > MAX_R || p < 1 || p > MAX_P) return null;
  return {
    params: { ln, r, p },
    salt: Buffer.from(match[4] ?? '', 'base64'),
    key: Buffer.from(match[5] ?? '', 'base64'),
  };
}

/** Whether a stored hash is one of ours (`$scrypt$...`), as opposed to the reference scheme. */
export function isScryptHash(stored: string | null): boolean {
  return stored != null && stored.startsWith(PREFIX);
}

/** A new `$scrypt$...` hash of `password` with a fresh salt and {@link SCRYPT_PARAMS}. */
export async function hashNewPassword(
  password: string,
  params: ScryptParams = SCRYPT_PARAMS,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  return encode(params, salt, await derive(password, salt, params));
}

/*
 * What an unknown login (or a user without a password) is checked with: a scrypt with the current
 * parameters whose result is thrown away, so the answer costs one scrypt like a real check.
 */
const DUMMY_SALT = randomBytes(SALT_BYTES);

const equal = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

/*
 * Passwords that verified recently, so a device reconnecting with the same credentials does not
 * pay a scrypt each time (a reconnect storm would otherwise be bounded by ~22 logins/s per
 * process; docs/adr/0007-password-storage.md). Keyed by the stored hash, holding an HMAC of the
 * password under a key that lives in this process only: the KDF still protects the stored
 * hashes, a changed password (a new stored hash) is never matched by an old entry, and a wrong
 * password always costs a full scrypt. Bounded in size and age.
 */
const VERIFIED_KEY = randomBytes(32);
const VERIFIED_TTL_MS = 10 * 60_000;
const VERIFIED_MAX = 10_000;
const verified = new Map<string, { digest: Buffer; until: number }>();

const digestOf = (password: string) =>
  createHmac('sha256', VERIFIED_KEY).update(password, 'utf8').digest();

function recentlyVerified(stored: string, password: string): boolean {
  const entry = verified.get(stored);
  if (entry === undefined) return false;
  if (entry.until <= Date.now()) {
    verified.delete(stored);
    return false;
  }
  return timingSafeEqual(entry.digest, digestOf(password));
}

function rememberVerified(stored: string, password: string): void {
  verified.delete(stored);
  if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value as string);
  verified.set(stored, { digest: digestOf(password), until: Date.now() + VERIFIED_TTL_MS });
}

/** Forgets every recently verified password (tests; after a key rotation of the process). */
export function forgetVerifiedPasswords(): void {
  verified.clear();
}

/**
 * Whether `password` matches the stored hash, in constant time. `$scrypt$...` hashes verify with
 * the parameters they carry; reference hashes (`storedSalt` set) verify with SHA-256 and cost one
 * dummy scrypt on top, so every failed check costs about one scrypt whatever the stored scheme,
 * and a login that does not exist (pass `null`) costs the same as one that does. The one shortcut:
 * the password that last verified against this same `$scrypt$` hash, within 10 minutes, matches
 * without a scrypt (a reconnecting device).
 */
export async function verifyPassword(
  password: string,
  storedHash: string | null,
  storedSalt: string | null,
): Promise<boolean> {
  const parsed = storedHash == null ? null : parse(storedHash);
  if (parsed && storedHash != null) {
    if (recentlyVerified(storedHash, password)) return true;
    const key = await derive(password, parsed.salt, parsed.params, parsed.key.length);
    const matches = equal(parsed.key, key);
    if (matches) rememberVerified(storedHash, password);
    return matches;
  }
  await spendPasswordCheck(password);
  if (storedHash == null || storedSalt == null || isScryptHash(storedHash)) return false;
  const actual = Buffer.from(hashPassword(password, storedSalt));
  return equal(Buffer.from(storedHash), actual);
}

/** One scrypt with the current parameters, result thrown away: the time a real check takes. */
export async function spendPasswordCheck(password: string): Promise<void> {
  await derive(password, DUMMY_SALT, SCRYPT_PARAMS);
}

/** Whether a stored hash should be replaced on the next successful login. */
export function needsRehash(storedHash: string | null): boolean {
  const parsed = storedHash == null ? null : parse(storedHash);
  if (!parsed) return true;
  const { ln, r, p } = parsed.params;
  return ln < SCRYPT_PARAMS.ln || r < SCRYPT_PARAMS.r || p < SCRYPT_PARAMS.p;
}
