import type { MqttClient } from 'mqtt';
import type { ConnectionsJob, ConnectStepResult } from './load.types';
import { connectClient, endAll } from './mqtt-client';

/** Idle authenticated connections, opened in steps with a bounded number of connects in flight. */
export class ConnectionsLoad {
  private readonly clients: MqttClient[] = [];

  constructor(
    private readonly job: ConnectionsJob,
    private readonly workerIndex: number,
  ) {}

  async connect(count: number): Promise<ConnectStepResult> {
    const { job } = this;
    const started = performance.now();
    let issued = 0;
    let failed = 0;
    let firstError: string | undefined;
    const lane = async () => {
      while (issued < count) {
        const id = `${job.clientIdPrefix}-w${this.workerIndex}-${this.clients.length + issued++}`;
        try {
          const client = await connectClient(job.url, id, job.credentials);
          client.on('error', () => undefined);
          this.clients.push(client);
        } catch (err) {
          failed += 1;
          firstError ??= String(err);
        }
      }
    };
    await Promise.all(Array.from({ length: job.concurrency }, lane));
    return {
      connected: count - failed,
      failed,
      elapsedMs: performance.now() - started,
      firstError,
    };
  }

  async close(): Promise<void> {
    await endAll(this.clients);
  }
}
