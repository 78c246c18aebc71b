export {
  BUS_SCHEMA_VERSION,
  type BrokerBus,
  type EventHandler,
  type GatewayBus,
  type ReplyEnvelope,
  type RequestEnvelope,
  type RequestHandler,
  type SessionEffect,
} from './bus.port';
export {
  createInProcessBus,
  type InProcessBus,
  type InProcessBusOptions,
} from './in-process/in-process-bus';
export { KeyedSerialQueue } from './internal/keyed-serial-queue';
export { wireCopy } from './internal/wire-copy';
