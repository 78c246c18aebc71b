import type { ReplyEnvelope, RequestEnvelope } from '@dh-mqtt/bus';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { RequestDispatcher } from '../dispatch/request-dispatcher';
import { BusRequestContext } from './gateway-bus.transport';
import { GATEWAY_REQUEST_PATTERN } from './tokens';

/** Receives every request envelope from the bus transport and hands it to the dispatcher. */
@Controller()
export class GatewayController {
  constructor(@Inject(RequestDispatcher) private readonly dispatcher: RequestDispatcher) {}

  @MessagePattern(GATEWAY_REQUEST_PATTERN)
  handle(
    @Payload() envelope: RequestEnvelope,
    @Ctx() context: BusRequestContext,
  ): Promise<ReplyEnvelope> {
    return this.dispatcher.dispatch(envelope, context.signals);
  }
}
