import type { GeneratorClient } from './lean-mqtt';
import type { LoadResult, RequestJob, RunTiming } from './load.types';
import { connectGeneratorClient, endAll, pace } from './mqtt-client';
import { Counters, runWindow } from './window';

/** Topic the echo responder listens on; the requester's client id is the last level. */
export const ECHO_REQUEST_PREFIX = 'bench/echo/req/';
export const ECHO_REPLY_PREFIX = 'bench/echo/res/';

interface Requester {
  id: string;
  client: GeneratorClient;
  /** requestId → send time (ms, performance.now()). */
  pending: Map<number, number>;
  /** Native publishes: send times in publish order (their replies carry no request id). */
  sentInOrder: number[];
}

/** The sample device's network and device type (docs/api/README.md): native topic levels. */
const SAMPLE_NETWORK_ID = 1;
const SAMPLE_DEVICE_TYPE_ID = 1;

/** Where the outcome of a request of `kind` from client `id` comes back. */
function replyTopicOf(kind: RequestJob['request'], id: string): string {
  if (kind === 'echo') return `${ECHO_REPLY_PREFIX}${id}`;
  const action = kind === 'native notification' ? 'notification/insert' : kind;
  return `dh/response/${action}@${id}`;
}

/**
 * Request → reply round trips through `dh/request` (or the echo floor). Latency is measured per
 * request id from publish to reply in the same process. With `subscribePushes`, each inserted
 * notification carries its send time and the worker's own subscriber times the push.
 */
export class RequestLoad {
  private requesters: Requester[] = [];
  private pushSubscriber: GeneratorClient | undefined;
  private readonly counters = new Counters();
  private nextId = 1;
  private readonly notificationName: string;

  constructor(
    private readonly job: RequestJob,
    private readonly workerIndex: number,
  ) {
    this.notificationName = `bench-${job.clientIdPrefix}-w${workerIndex}`;
  }

  async setup(): Promise<void> {
    const { job } = this;
    if (job.subscribePushes) {
      const topic = `dh/notification/+/+/${job.deviceId}/${this.notificationName}`;
      this.pushSubscriber = await connectGeneratorClient(
        job.url,
        `${job.clientIdPrefix}-w${this.workerIndex}-push`,
        job.credentials,
      );
      const granted = await this.pushSubscriber.subscribeAsync(topic, { qos: 1 });
      if (granted[0]?.qos === 128) throw new Error(`push subscription refused: ${topic}`);
      this.pushSubscriber.on('message', (_topic, payload) => this.onPush(payload));
    }
    for (let i = 0; i < job.clients; i += 1) {
      const id = `${job.clientIdPrefix}-w${this.workerIndex}-${i}`;
      const client = await connectGeneratorClient(job.url, id, job.credentials);
      await client.subscribeAsync(replyTopicOf(job.request, id), { qos: 0 });
      const requester: Requester = { id, client, pending: new Map(), sentInOrder: [] };
      client.on('message', (_topic, payload) => this.onReply(requester, payload));
      client.on('error', (err) => this.counters.error(String(err)));
      this.requesters.push(requester);
    }
  }

  run(timing: RunTiming): Promise<LoadResult> {
    const { job, counters } = this;
    let running = false;
    let stopPacer = () => undefined as void;
    const start = () => {
      running = true;
      if (job.ratePerSec > 0) {
        let next = 0;
        stopPacer = pace(job.ratePerSec, (due) => {
          for (let i = 0; i < due; i += 1)
            this.send(this.requesters[next++ % this.requesters.length]);
        });
        return;
      }
      for (const requester of this.requesters) {
        for (let i = 0; i < job.window; i += 1) this.send(requester);
      }
    };
    this.onSettled = (requester) => {
      if (running && job.ratePerSec === 0) this.send(requester);
    };
    const stop = () => {
      running = false;
      stopPacer();
    };
    const { total } = counters;
    const settled = () =>
      total.received >= total.sent && (!job.subscribePushes || total.pushes >= total.acked);
    return runWindow(counters, timing, start, stop, settled, job.subscribePushes);
  }

  async close(): Promise<void> {
    const clients = this.requesters.map((r) => r.client);
    await endAll(this.pushSubscriber ? [...clients, this.pushSubscriber] : clients);
  }

  private onSettled: (requester: Requester) => void = () => undefined;

  private send(requester: Requester): void {
    const requestId = this.nextId++;
    const sentAt = performance.now();
    this.counters.count('sent');
    const { job } = this;
    if (job.request === 'native notification') {
      requester.sentInOrder.push(sentAt);
      const topic = `dh/notification/${SAMPLE_NETWORK_ID}/${SAMPLE_DEVICE_TYPE_ID}/${job.deviceId}/${this.notificationName}`;
      requester.client.publish(topic, JSON.stringify({ parameters: { t: sentAt } }), { qos: 0 });
      return;
    }
    requester.pending.set(requestId, sentAt);
    if (job.request === 'echo') {
      const body = JSON.stringify({ action: 'server/info', requestId });
      requester.client.publish(`${ECHO_REQUEST_PREFIX}${requester.id}`, body, { qos: 0 });
      return;
    }
    requester.client.publish('dh/request', JSON.stringify(this.body(requestId, sentAt)), {
      qos: 0,
    });
  }

  private body(requestId: number, sentAt: number): Record<string, unknown> {
    const { job } = this;
    switch (job.request) {
      case 'device/get':
        return { action: 'device/get', requestId, deviceId: job.deviceId };
      case 'notification/insert':
        return {
          action: 'notification/insert',
          requestId,
          deviceId: job.deviceId,
          notification: { notification: this.notificationName, parameters: { t: sentAt } },
        };
      default:
        return { action: job.request, requestId };
    }
  }

  private onReply(requester: Requester, payload: Buffer): void {
    const reply = JSON.parse(payload.toString('utf8')) as {
      requestId?: number;
      status?: string;
      error?: unknown;
    };
    let sentAt: number | undefined;
    if (this.job.request === 'native notification') {
      // One outcome per publish, in publish order (docs/topics/request.md ordering per client).
      sentAt = requester.sentInOrder.shift();
    } else {
      sentAt = requester.pending.get(reply.requestId ?? -1);
      requester.pending.delete(reply.requestId ?? -1);
    }
    if (sentAt === undefined) return;
    this.counters.count('received');
    this.counters.latencyMs(performance.now() - sentAt);
    if (this.job.request === 'echo' || reply.status === 'success') this.counters.count('acked');
    else this.counters.error(`${this.job.request}: ${JSON.stringify(reply.error ?? reply)}`);
    this.onSettled(requester);
  }

  private onPush(payload: Buffer): void {
    const push = JSON.parse(payload.toString('utf8')) as {
      notification?: { parameters?: { t?: number } };
    };
    const sentAt = push.notification?.parameters?.t;
    this.counters.count('pushes');
    if (typeof sentAt === 'number') this.counters.pushLatencyMs(performance.now() - sentAt);
  }
}
