import { busContractSuite } from '../testing';
import { createKafkaBrokerBus } from './kafka-broker-bus';
import { createKafkaGatewayBus } from './kafka-gateway-bus';
import { testKafkaOptions, testRedisUrl } from '../testing/kafka.fixtures';

// The same suite as the in-process bus, on a real Kafka (docs/design.md): replies over Kafka
// (ADR 0005) ...
busContractSuite(
  'Kafka bus',
  () => {
    const options = testKafkaOptions();
    return {
      broker: createKafkaBrokerBus({ ...options, brokerId: 'broker-1' }),
      gateway: createKafkaGatewayBus(options),
    };
  },
  { testTimeoutMs: 30_000 },
);

// ... and through Redis, Kafka being the fallback (ADR 0013).
busContractSuite(
  'Kafka bus with Redis replies',
  () => {
    const options = { ...testKafkaOptions(), redisReplies: { url: testRedisUrl() } };
    return {
      broker: createKafkaBrokerBus({ ...options, brokerId: 'broker-1' }),
      gateway: createKafkaGatewayBus(options),
    };
  },
  { testTimeoutMs: 30_000 },
);
