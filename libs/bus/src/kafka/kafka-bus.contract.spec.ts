import { busContractSuite } from '../testing';
import { createKafkaBrokerBus } from './kafka-broker-bus';
import { createKafkaGatewayBus } from './kafka-gateway-bus';
import { testKafkaOptions } from '../testing/kafka.fixtures';

// The same suite as the in-process bus, on a real Kafka (docs/design.md).
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
