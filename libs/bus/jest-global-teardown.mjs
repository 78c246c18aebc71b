// jest globalTeardown: stops what jest-global-setup.mjs started (nothing that was given).
import kafkaTeardown from '../../tools/infra/jest-kafka-teardown.mjs';
import redisTeardown from '../../tools/infra/jest-redis-teardown.mjs';

export default async function teardown() {
  await Promise.all([kafkaTeardown(), redisTeardown()]);
}
