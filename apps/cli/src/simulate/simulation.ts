import { DhClient } from '@dh-mqtt/client';
import { LatencyRecorder, type LatencySummary } from './latency-recorder';
import type { SimulateOptions } from './simulate-options';

/** What a run did, as printed at its end. */
export interface SimulationSummary {
  devices: { requested: number; registered: number; failed: number };
  notifications: { sent: number; acknowledged: number; failed: number; latencyMs: LatencySummary };
  commands: {
    sent: number;
    /** Command pushes the devices received. */
    delivered: number;
    /** `command/update` requests of the devices that succeeded. */
    answered: number;
    /** Updates the operator received back (docs/topics/command-update.md). */
    updatesReceived: number;
    failed: number;
    /** From sending the command to receiving its update. */
    latencyMs: LatencySummary;
  };
  elapsedMs: number;
}

/** A live view of the counters, for the progress line. */
export type SimulationProgress = Omit<SimulationSummary, 'notifications' | 'commands'> & {
  notifications: Omit<SimulationSummary['notifications'], 'latencyMs'> & { p50: number | null };
  commands: Omit<SimulationSummary['commands'], 'latencyMs'>;
};

interface SimulatedDevice {
  id: string;
  client: DhClient;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs the simulation of `dh-mqtt simulate`: connects and registers the devices, sends
 * notifications and commands at the given rates for the given time, lets the devices answer
 * every command with an update, then waits for what is still in flight and closes everything.
 */
export async function runSimulation(
  options: SimulateOptions,
  onProgress: (progress: SimulationProgress) => void = () => undefined,
): Promise<SimulationSummary> {
  const started = Date.now();
  const counts = {
    devices: { requested: options.devices, registered: 0, failed: 0 },
    notifications: { sent: 0, acknowledged: 0, failed: 0 },
    commands: { sent: 0, delivered: 0, answered: 0, updatesReceived: 0, failed: 0 },
  };
  const notificationLatency = new LatencyRecorder();
  const commandLatency = new LatencyRecorder();
  const inFlight = new Set<Promise<unknown>>();
  const track = (promise: Promise<unknown>) => {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise));
  };
  const progress = (): SimulationProgress => ({
    devices: { ...counts.devices },
    notifications: { ...counts.notifications, p50: notificationLatency.percentile(50) },
    commands: { ...counts.commands },
    elapsedMs: Date.now() - started,
  });
  const ticker = setInterval(() => onProgress(progress()), 1_000);
  const connect = (clientId: string) =>
    DhClient.connect({
      url: options.url,
      clientId,
      username: options.username,
      password: options.password,
      requestTimeoutMs: options.requestTimeoutMs,
    });

  const operator = await connect(`${options.prefix}-operator`);
  const devices: SimulatedDevice[] = [];
  try {
    // Commands sent, by id, and updates that overtook the reply to their command/insert.
    const sentAt = new Map<number, number>();
    const earlyUpdates = new Map<number, number>();
    await operator.listen('command_update', {}, (push) => {
      const at = sentAt.get(push.command.id);
      if (at === undefined) earlyUpdates.set(push.command.id, Date.now());
      else {
        sentAt.delete(push.command.id);
        counts.commands.updatesReceived++;
        commandLatency.record(Date.now() - at);
      }
    });

    for (let first = 0; first < options.devices; first += options.concurrency) {
      const batch = [];
      for (let i = first; i < Math.min(options.devices, first + options.concurrency); i++) {
        batch.push(startDevice(`${options.prefix}-${i + 1}`));
      }
      for (const result of await Promise.allSettled(batch)) {
        if (result.status === 'fulfilled') {
          devices.push(result.value);
          counts.devices.registered++;
        } else counts.devices.failed++;
      }
    }
    if (!devices.length) throw new Error('no device could register');

    async function startDevice(id: string): Promise<SimulatedDevice> {
      const client = await connect(id);
      try {
        const device: Record<string, unknown> = { name: `simulated ${id}` };
        if (options.networkId !== undefined) device['networkId'] = options.networkId;
        await client.request('device/save', { deviceId: id, device });
        await client.listen('command', { deviceId: id }, (push) => {
          counts.commands.delivered++;
          const update = client.request('command/update', {
            deviceId: id,
            commandId: push.command.id,
            command: { status: 'done', result: { handledBy: id } },
          });
          track(update.then(() => counts.commands.answered++));
        });
        return { id, client };
      } catch (error) {
        await client.end();
        throw error;
      }
    }

    const sendNotification = () => {
      const device = devices[counts.notifications.sent % devices.length];
      counts.notifications.sent++;
      const at = Date.now();
      const reply = device.client.request('notification/insert', {
        deviceId: device.id,
        notification: {
          notification: 'temperature',
          parameters: { celsius: 15 + Math.random() * 10 },
        },
      });
      track(
        reply.then(
          () => {
            counts.notifications.acknowledged++;
            notificationLatency.record(Date.now() - at);
          },
          () => counts.notifications.failed++,
        ),
      );
    };
    const sendCommand = () => {
      const device = devices[counts.commands.sent % devices.length];
      counts.commands.sent++;
      const at = Date.now();
      const reply = operator.request('command/insert', {
        deviceId: device.id,
        command: { command: 'setpoint', parameters: { celsius: 21 }, lifetime: 60 },
      });
      track(
        reply.then(
          ({ command }) => {
            const early = earlyUpdates.get(command.id);
            if (early === undefined) sentAt.set(command.id, at);
            else {
              earlyUpdates.delete(command.id);
              counts.commands.updatesReceived++;
              commandLatency.record(early - at);
            }
          },
          () => counts.commands.failed++,
        ),
      );
    };

    // Paced by the clock: after t ms exactly ⌊rate·t⌋ have been sent, whatever the timer jitter.
    const begin = Date.now();
    for (let done = false; !done;) {
      const elapsed = Math.min(Date.now() - begin, options.durationMs);
      done = elapsed >= options.durationMs;
      const due = (rate: number) => Math.floor((rate * elapsed) / 1_000);
      while (counts.notifications.sent < due(options.rate)) sendNotification();
      while (counts.commands.sent < due(options.commandRate)) sendCommand();
      if (!done) await sleep(10);
    }

    // Drain: every request ends in a reply or its timeout; updates follow their commands.
    const deadline = Date.now() + options.requestTimeoutMs;
    while (Date.now() < deadline) {
      const commandsDone =
        counts.commands.updatesReceived + counts.commands.failed >= counts.commands.sent;
      if (!inFlight.size && commandsDone) break;
      await sleep(20);
    }
    return {
      devices: counts.devices,
      notifications: { ...counts.notifications, latencyMs: notificationLatency.summary() },
      commands: { ...counts.commands, latencyMs: commandLatency.summary() },
      elapsedMs: Date.now() - started,
    };
  } finally {
    clearInterval(ticker);
    await Promise.allSettled([operator, ...devices.map((d) => d.client)].map((c) => c.end()));
  }
}
