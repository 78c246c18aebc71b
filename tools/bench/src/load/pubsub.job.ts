import type { MqttClient } from 'mqtt';
import type { LoadResult, PubSubJob, RunTiming } from './load.types';
import { connectClient, endAll, pace } from './mqtt-client';
import { Counters, runWindow } from './window';

interface Pair {
  topic: string;
  publisher: MqttClient;
  subscriber: MqttClient;
}

/**
 * Publish → deliver on ordinary topics. The payload starts with the send time (a float64 of
 * `performance.now()`), read back by the subscriber in the same process: one clock, no skew.
 */
export class PubSubLoad {
  private pairs: Pair[] = [];
  private readonly counters = new Counters();

  constructor(
    private readonly job: PubSubJob,
    private readonly workerIndex: number,
  ) {}

  async setup(): Promise<void> {
    const { job } = this;
    for (let i = 0; i < job.pairs; i += 1) {
      const id = `${job.topicPrefix}-w${this.workerIndex}-${i}`;
      const topic = `${job.topicPrefix}/w${this.workerIndex}/${i}`;
      const subscriber = await connectClient(job.url, `${id}-sub`, job.credentials);
      await subscriber.subscribeAsync(topic, { qos: job.qos });
      subscriber.on('message', (_topic, payload) => {
        this.counters.count('received');
        this.counters.latencyMs(performance.now() - payload.readDoubleLE(0));
      });
      const publisher = await connectClient(job.url, `${id}-pub`, job.credentials);
      this.pairs.push({ topic, publisher, subscriber });
    }
  }

  run(timing: RunTiming): Promise<LoadResult> {
    const { job, counters } = this;
    let running = false;
    let stopPacer = () => undefined as void;
    const payload = () => {
      const buffer = Buffer.alloc(Math.max(8, job.payloadBytes));
      buffer.writeDoubleLE(performance.now(), 0);
      return buffer;
    };
    const sendQos1 = (pair: Pair) => {
      counters.count('sent');
      pair.publisher.publish(pair.topic, payload(), { qos: 1 }, (err) => {
        if (err) return counters.error(String(err));
        counters.count('acked');
        if (running) sendQos1(pair);
      });
    };
    const start = () => {
      running = true;
      if (job.qos === 1) {
        for (const pair of this.pairs) for (let i = 0; i < job.window; i += 1) sendQos1(pair);
        return;
      }
      let next = 0;
      stopPacer = pace(job.ratePerSec, (due) => {
        for (let i = 0; i < due; i += 1) {
          const pair = this.pairs[next++ % this.pairs.length];
          counters.count('sent');
          counters.count('acked');
          pair.publisher.publish(pair.topic, payload(), { qos: 0 });
        }
      });
    };
    const stop = () => {
      running = false;
      stopPacer();
    };
    const { total } = counters;
    const settled = () => total.acked >= total.sent && total.received >= total.acked;
    return runWindow(counters, timing, start, stop, settled, false);
  }

  async close(): Promise<void> {
    await endAll(this.pairs.flatMap((pair) => [pair.publisher, pair.subscriber]));
  }
}
