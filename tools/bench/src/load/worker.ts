import { ConnectionsLoad } from './connections.job';
import { EchoResponder } from './echo-responder.job';
import type { JobSpec, WorkerCommand, WorkerReply } from './load.types';
import { PubSubLoad } from './pubsub.job';
import { RequestLoad } from './request.job';

/**
 * A load-generator process (forked by `WorkerPool`): one generator process saturates a core
 * before a broker does (docs/design.md), so the orchestrator spreads clients over several.
 */
type Job = PubSubLoad | RequestLoad | EchoResponder | ConnectionsLoad;

let job: Job | undefined;

function create(spec: JobSpec, workerIndex: number): Job {
  switch (spec.kind) {
    case 'pubsub':
      return new PubSubLoad(spec, workerIndex);
    case 'requests':
      return new RequestLoad(spec, workerIndex);
    case 'echo-responder':
      return new EchoResponder(spec);
    case 'connections':
      return new ConnectionsLoad(spec, workerIndex);
  }
}

async function handle(command: WorkerCommand): Promise<unknown> {
  switch (command.op) {
    case 'setup':
      job = create(command.job, command.workerIndex);
      if ('setup' in job) await job.setup();
      return undefined;
    case 'run':
      if (!job || !('run' in job)) throw new Error('run: no load job set up');
      return job.run(command.timing);
    case 'connect':
      if (!(job instanceof ConnectionsLoad)) throw new Error('connect: not a connections job');
      return job.connect(command.count);
    case 'close':
      await job?.close();
      setImmediate(() => process.exit(0));
      return undefined;
  }
}

process.on('message', (command: WorkerCommand) => {
  handle(command).then(
    (data) => reply({ seq: command.seq, ok: true, data }),
    (err: unknown) =>
      reply({
        seq: command.seq,
        ok: false,
        error: err instanceof Error ? err.message : String(err),
      }),
  );
});
process.on('disconnect', () => process.exit(0));

function reply(message: WorkerReply): void {
  process.send?.(message);
}
