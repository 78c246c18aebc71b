import type { GatewayBus } from '@dh-mqtt/bus';
import type { DeviceHivePort } from '@dh-mqtt/devicehive';
import { Module, type DynamicModule } from '@nestjs/common';
import type { Registry } from 'prom-client';
import type { DedupOptions } from '../dispatch/reply-cache';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import {
  RequestDispatcher,
  type RequestDispatcherOptions,
  type RequestValidator,
} from '../dispatch/request-dispatcher';
import { HandlerRegistry, type ActionHandlerOverrides } from '../handlers/handler-registry';
import { nestGatewayLogger, type GatewayLogger } from '../logger';
import { GatewayController } from './gateway.controller';
import { DEVICE_HIVE, GATEWAY_BUS, GATEWAY_LOGGER, GATEWAY_OPTIONS } from './tokens';

/** What the gateway is built from. The caller owns `deviceHive` (and closes it). */
export interface GatewayModuleOptions {
  deviceHive: DeviceHivePort;
  bus: GatewayBus;
  logger?: GatewayLogger;
  dedup?: DedupOptions;
  /** Request de-duplication shared by all gateways (see RequestDispatcherOptions.ledger). */
  ledger?: RequestDispatcherOptions['ledger'];
  /** Gateway-side handlers replacing the DeviceHive port for some actions. */
  handlers?: ActionHandlerOverrides;
  /** DTO validation (default: the protocol's `validateRequest`). */
  validate?: RequestValidator;
  /** The broker's request timeout, named in late-request errors (see RequestDispatcher). */
  requestTimeoutMs?: number;
  /** The app's Prometheus registry: actions and ledger refusals are counted there. */
  metrics?: Registry;
  /**
   * Where the device events of actions go, before the reply (default the bus). A cluster gateway
   * with Redis publishes their pushes into the MQTT fabric first (docs/adr/0021).
   */
  events?: Pick<GatewayBus, 'publishEvent'>;
}

/**
 * The gateway as a NestJS module: the ports come in through injection tokens, the dispatcher
 * and the handler registry are providers, and {@link GatewayController} serves the bus.
 */
@Module({})
export class GatewayModule {
  static forRoot(options: GatewayModuleOptions): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [GatewayController],
      providers: [
        { provide: GATEWAY_OPTIONS, useValue: options },
        { provide: DEVICE_HIVE, useValue: options.deviceHive },
        { provide: GATEWAY_BUS, useValue: options.bus },
        { provide: GATEWAY_LOGGER, useValue: options.logger ?? nestGatewayLogger() },
        {
          provide: HandlerRegistry,
          inject: [DEVICE_HIVE],
          useFactory: (deviceHive: DeviceHivePort) =>
            HandlerRegistry.forDeviceHive(deviceHive, options.handlers),
        },
        {
          provide: RequestDispatcher,
          inject: [HandlerRegistry, GATEWAY_BUS, GATEWAY_LOGGER],
          useFactory: (handlers: HandlerRegistry, bus: GatewayBus, logger: GatewayLogger) =>
            new RequestDispatcher({
              handlers,
              events: options.events ?? bus,
              logger,
              dedup: options.dedup,
              ledger: options.ledger,
              validate: options.validate,
              requestTimeoutMs: options.requestTimeoutMs,
              metrics: options.metrics && new GatewayMetrics(options.metrics),
            }),
        },
      ],
      exports: [RequestDispatcher],
    };
  }
}
