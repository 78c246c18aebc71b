// jest globalSetup: one Redis per test run; workers read its URL from DH_TEST_REDIS_URL and
// isolate themselves with key prefixes or database numbers of their own.
import { startTestRedis } from './redis.mjs';

export default async function setup() {
  const server = await startTestRedis({ log: (line) => process.stderr.write(`${line}\n`) });
  process.env.DH_TEST_REDIS_URL = server.url;
  globalThis.__DH_TEST_REDIS__ = server;
}
