// jest globalTeardown: stops what global-setup.mjs started (nothing when the DH_TEST_* servers
// were given).
export default async function teardown() {
  const started = globalThis.__DH_CLUSTER_INFRA__ ?? [];
  await Promise.allSettled(started.map((server) => server.stop()));
}
