// jest globalTeardown: stops the server jest-redis-setup.mjs started (none when it was given).
export default async function teardown() {
  await globalThis.__DH_TEST_REDIS__?.stop();
}
