// jest globalSetup: one PostgreSQL server per test run; workers read its URL from
// DH_TEST_DATABASE_URL and create one database per test suite (openTestDatabase('postgres')).
import { startTestPostgres } from './postgres.mjs';

export default async function setup() {
  const server = await startTestPostgres({ log: (line) => process.stderr.write(`${line}\n`) });
  process.env.DH_TEST_DATABASE_URL = server.url;
  globalThis.__DH_TEST_POSTGRES__ = server;
}
