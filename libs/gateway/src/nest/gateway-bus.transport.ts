import type { GatewayBus, ReplyEnvelope, RequestEnvelope, RequestSignals } from '@dh-mqtt/bus';
import { DhError } from '@dh-mqtt/protocol';
import {
  BaseRpcContext,
  Server,
  type CustomTransportStrategy,
  type MessageHandler,
} from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import { GATEWAY_REQUEST_PATTERN } from './tokens';

/**
 * The context a `@MessagePattern` handler gets: `[envelope id, client id, the bus's signals]`
 * (`sequenced`, docs/adr/0017-pipelined-requests.md).
 */
export class BusRequestContext extends BaseRpcContext<[string, string, RequestSignals?]> {
  get envelopeId(): string {
    return this.getArgByIndex(0) as string;
  }
  get clientId(): string {
    return this.getArgByIndex(1) as string;
  }
  get signals(): RequestSignals | undefined {
    return this.getArgByIndex(2) as RequestSignals | undefined;
  }
}

/**
 * A NestJS microservice transport over a {@link GatewayBus} (Kafka in the cluster, in memory in
 * the embedded mode): every request envelope goes to the `@MessagePattern(GATEWAY_REQUEST_PATTERN)`
 * handler, whose result is the reply envelope. Listening starts the bus; closing closes it
 * (requests being handled finish first).
 */
export class GatewayBusTransport extends Server implements CustomTransportStrategy {
  /**
   * The controller's handler, looked up once: NestJS' lookup re-parses the pattern with a
   * throwing `JSON.parse` on every call (3.5 % of a loaded gateway, docs/performance.md).
   */
  private handler: MessageHandler | null = null;

  constructor(private readonly bus: GatewayBus) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      this.bus.serve((envelope, signals) => this.handle(envelope, signals));
      await this.bus.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    await this.bus.close();
  }

  on(): never {
    throw new Error('GatewayBusTransport has no events to listen to');
  }

  unwrap<T>(): T {
    return this.bus as T;
  }

  private async handle(
    envelope: RequestEnvelope,
    signals: RequestSignals | undefined,
  ): Promise<ReplyEnvelope> {
    const handler = (this.handler ??= this.getHandlerByPattern(GATEWAY_REQUEST_PATTERN));
    // Without a controller nothing can answer; the broker turns this into a 503 reply.
    if (!handler) throw new DhError('DH_ERR_BACKEND_UNAVAILABLE');
    const context = new BusRequestContext([envelope.id, envelope.clientId, signals]);
    // A plain result needs no observable round trip; NestJS answers a thrown error with one.
    const result: unknown = await handler(envelope, context);
    return (isObservable(result) ? lastValueFrom(result) : result) as ReplyEnvelope;
  }
}
