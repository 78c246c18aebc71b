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
