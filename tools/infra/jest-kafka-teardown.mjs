// jest globalTeardown: stops the server jest-kafka-setup.mjs started (none when it was given).
export default async function teardown() {
  await globalThis.__DH_TEST_KAFKA__?.stop();
}
