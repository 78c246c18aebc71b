export { createGateway, type CreateGatewayOptions, type Gateway } from './create-gateway';
export { parseEagerIds } from './dispatch/eager-ids';
export { ReplyCache, type DedupOptions } from './dispatch/reply-cache';
export {
  protocolValidator,
  RequestDispatcher,
  type RequestDispatcherOptions,
  type RequestValidator,
  type ValidationResult,
} from './dispatch/request-dispatcher';
export type { ActionHandler, HandlerContext } from './handlers/action-handler';
export { DeviceHiveHandler } from './handlers/devicehive.handler';
export { HandlerRegistry, type ActionHandlerOverrides } from './handlers/handler-registry';
export { nestGatewayLogger, type GatewayLogger } from './logger';
export { GatewayBusTransport, BusRequestContext } from './nest/gateway-bus.transport';
export { GatewayController } from './nest/gateway.controller';
export { GatewayModule, type GatewayModuleOptions } from './nest/gateway.module';
export { GATEWAY_REQUEST_PATTERN } from './nest/tokens';
export { GatewayMetrics } from './metrics/gateway-metrics';
