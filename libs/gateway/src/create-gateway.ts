import { NestFactory } from '@nestjs/core';
import type { LogLevel } from '@nestjs/common';
import { GatewayBusTransport } from './nest/gateway-bus.transport';
import { GatewayModule, type GatewayModuleOptions } from './nest/gateway.module';

export interface CreateGatewayOptions extends GatewayModuleOptions {
  /** NestJS' own log levels (bootstrap messages); default errors and warnings only. */
  nestLogLevels?: LogLevel[] | false;
}

/** A running gateway. */
export interface Gateway {
  /** Stops taking requests, lets the ones being handled finish, closes the bus's gateway side. */
  close(): Promise<void>;
}

/**
 * Starts the gateway: a NestJS microservice whose transport is the given bus
 * (docs/architecture.md). Resolves once the bus serves requests. The DeviceHive port stays the
 * caller's to close, and so do process signals (the main decides when to call `close`).
 */
export async function createGateway(options: CreateGatewayOptions): Promise<Gateway> {
  const { nestLogLevels, ...moduleOptions } = options;
  const app = await NestFactory.createMicroservice(GatewayModule.forRoot(moduleOptions), {
    strategy: new GatewayBusTransport(options.bus),
    logger: nestLogLevels ?? ['error', 'warn'],
  });
  await app.listen();
  let closing: Promise<void> | undefined;
  return {
    close: () => (closing ??= app.close()),
  };
}
