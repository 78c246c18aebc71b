import { randomUUID } from 'node:crypto';
import { createDeviceHive } from '../devicehive';
import { RequestRanAlready } from '../devicehive.port';
import {
  adminPrincipal,
  insertTestDevice,
  insertTestNamedEntity,
  recordingSql,
  STORAGE_KINDS,
  TEST_JWT_SECRET,
  useTestDatabase,
} from '../testing';

/** The core's `notification/insert` with a request ledger claim (docs/adr/0019). */
describe.each(STORAGE_KINDS)('the ledger claim made with the insert, on %s', (kind) => {
  const database = useTestDatabase(kind);
  let deviceId: string;
  beforeAll(async () => {
    const networkId = await insertTestNamedEntity(database(), 'dh_network');
    const deviceTypeId = await insertTestNamedEntity(database(), 'dh_device_type');
    deviceId = await insertTestDevice(database(), { networkId, deviceTypeId });
  });

  const context = (ledgerClaim: string, clientId = 'c1') => ({
    principal: adminPrincipal(),
    clientId,
    ledgerClaim,
  });
  const insert = (name: string) => ({ deviceId, notification: { notification: name } });

  async function stored(name: string): Promise<number> {
    const { rows } = await database().query<{ n: number | string }>(
      'SELECT count(*) AS n FROM dh_notification WHERE notification = $1',
      [name],
    );
    return Number(rows[0]?.n);
  }

  async function claimed(ids: readonly string[]): Promise<number> {
    const { rows } = await database().query<{ n: number | string }>(
      'SELECT count(*) AS n FROM dh_request_ledger WHERE id = ANY($1::text[])',
      [[...ids]],
    );
    return Number(rows[0]?.n);
  }

  it('says which actions claim with their write: notification/insert only', async () => {
    const core = await createDeviceHive({ sql: database(), jwtSecret: TEST_JWT_SECRET });
    expect(core.claimsWithWrite('notification/insert')).toBe(true);
    expect(core.claimsWithWrite('command/insert')).toBe(false);
    expect(core.claimsWithWrite('device/save')).toBe(false);
  });

  it('stores concurrent inserts and their claims with the insert statements alone', async () => {
    const { client, statements } = recordingSql(database());
    const core = await createDeviceHive({ sql: client, jwtSecret: TEST_JWT_SECRET });
    const name = `claimed-${randomUUID().slice(0, 8)}`;
    const claims = [randomUUID(), randomUUID(), randomUUID()];
    statements.length = 0;

    const outcomes = await Promise.all(
      claims.map((claim, i) =>
        core.execute('notification/insert', insert(name), context(claim, `client-${i}`)),
      ),
    );

    expect(outcomes.map((o) => o.events?.[0]?.name)).toEqual([name, name, name]);
    await expect(stored(name)).resolves.toBe(3);
    await expect(claimed(claims)).resolves.toBe(3);
    const ledgerStatements = statements.filter((s) => s.includes('dh_request_ledger'));
    // Each statement that claims also inserts: no claim statement of its own.
    expect(ledgerStatements.length).toBeGreaterThan(0);
    expect(ledgerStatements.every((s) => s.includes('INSERT INTO dh_notification'))).toBe(true);
  });

  it('runs an insert delivered twice once: the second rejects and stores nothing', async () => {
    const core = await createDeviceHive({ sql: database(), jwtSecret: TEST_JWT_SECRET });
    const name = `twice-${randomUUID().slice(0, 8)}`;
    const claim = randomUUID();

    await core.execute('notification/insert', insert(name), context(claim));
    const again = core.execute('notification/insert', insert(name), context(claim));

    await expect(again).rejects.toBeInstanceOf(RequestRanAlready);
    await expect(again).rejects.toMatchObject({ code: 'DH_ERR_BACKEND_UNAVAILABLE', status: 503 });
    await expect(stored(name)).resolves.toBe(1);
  });

  it('refuses a claim for an action that cannot make it with its write, running nothing', async () => {
    const errors: string[] = [];
    const logger = { error: (_fields: object, message: string) => void errors.push(message) };
    const core = await createDeviceHive({ sql: database(), jwtSecret: TEST_JWT_SECRET, logger });
    const claim = randomUUID();

    const command = core.execute(
      'command/insert',
      { deviceId, command: { command: `unclaimed-${claim}` } },
      context(claim),
    );

    await expect(command).rejects.toMatchObject({ code: 'DH_ERR_INTERNAL' });
    expect(errors).toEqual(['action failed']);
    const { rows } = await database().query<{ n: number | string }>(
      'SELECT count(*) AS n FROM dh_command WHERE command = $1',
      [`unclaimed-${claim}`],
    );
    expect(Number(rows[0]?.n)).toBe(0);
    await expect(claimed([claim])).resolves.toBe(0);
  });
});
