/** What `dh-mqtt simulate` runs (docs: apps/cli/README.md "Device simulator"). */
export interface SimulateOptions {
  url: string;
  username: string;
  password: string;
  devices: number;
  /** Notifications per second, all devices together. */
  rate: number;
  /** Commands per second from the operator, spread over the devices; 0 = none. */
  commandRate: number;
  durationMs: number;
  /** Device ids are `<prefix>-<n>`, client ids too. */
  prefix: string;
  networkId?: number;
  /** Connections opened at once while the devices register. */
  concurrency: number;
  requestTimeoutMs: number;
  json: boolean;
}

/** The text of `dh-mqtt simulate --help`. */
export const SIMULATE_USAGE = `usage: dh-mqtt simulate [options]

Simulated devices on a running dh-mqtt: each connects, registers (device/save), sends
notifications and answers the commands an operator connection sends with command/update.
Prints progress every second (stderr) and a summary (stdout).

  --url <url>            mqtt://, mqtts://, ws:// or wss:// URL   (mqtt://localhost:1883)
  --username <login>     the login every connection uses            (dhadmin)
                         its password comes from DH_SIM_PASSWORD    (the bootstrap one)
  --devices <n>          how many devices                           (10)
  --rate <n>/s           notifications per second, all devices      (10/s)
  --commands <n>/s       commands per second, 0 for none            (1/s)
  --duration <time>      how long to send: 500ms, 30s, 2m           (10s)
  --prefix <text>        device ids are <prefix>-<n>                (sim)
  --network-id <id>      the network of the devices                 (the user's default)
  --concurrency <n>      connections opened at once                 (20)
  --timeout <time>       how long a request waits for its reply     (10s)
  --json                 print the summary as JSON
`;

/** A wrong command line; the message names the option. */
export class UsageError extends Error {}

const RATE = /^(\d+(?:\.\d+)?)(?:\/(s|m))?$/;
const TIME = /^(\d+(?:\.\d+)?)(ms|s|m)?$/;

/** `10/s`, `600/m` or `10` → per second. */
export function parseRate(text: string, option: string): number {
  const match = RATE.exec(text);
  if (!match) throw new UsageError(`${option} must look like 10/s or 600/m, not ${text}`);
  return Number(match[1]) / (match[2] === 'm' ? 60 : 1);
}

/** `500ms`, `30s`, `2m` or `30` (seconds) → milliseconds. */
export function parseDuration(text: string, option: string): number {
  const match = TIME.exec(text);
  if (!match) throw new UsageError(`${option} must look like 500ms, 30s or 2m, not ${text}`);
  const unit = match[2] ?? 's';
  return Number(match[1]) * (unit === 'ms' ? 1 : unit === 's' ? 1_000 : 60_000);
}

function positiveInteger(text: string, option: string, min = 1): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`${option} must be an integer ≥ ${min}, not ${text}`);
  }
  return value;
}

/** Reads the options after `simulate`; throws `UsageError` for a wrong one. */
export function parseSimulateOptions(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): SimulateOptions {
  const options: SimulateOptions = {
    url: 'mqtt://localhost:1883',
    username: 'dhadmin',
    password: env['DH_SIM_PASSWORD'] ?? 'dhadmin_#911',
    devices: 10,
    rate: 10,
    commandRate: 1,
    durationMs: 10_000,
    prefix: 'sim',
    concurrency: 20,
    requestTimeoutMs: 10_000,
    json: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const option = argv[i];
    if (option === '--json') {
      options.json = true;
      continue;
    }
    const value = argv[++i];
    if (value === undefined) throw new UsageError(`${option} needs a value`);
    switch (option) {
      case '--url':
        options.url = value;
        break;
      case '--username':
        options.username = value;
        break;
      case '--devices':
        options.devices = positiveInteger(value, option);
        break;
      case '--rate':
        options.rate = parseRate(value, option);
        break;
      case '--commands':
        options.commandRate = parseRate(value, option);
        break;
      case '--duration':
        options.durationMs = parseDuration(value, option);
        break;
      case '--prefix':
        if (!/^[a-zA-Z0-9-]{1,32}$/.test(value)) {
          throw new UsageError(`${option} takes letters, digits and dashes (at most 32)`);
        }
        options.prefix = value;
        break;
      case '--network-id':
        options.networkId = positiveInteger(value, option, 0);
        break;
      case '--concurrency':
        options.concurrency = positiveInteger(value, option);
        break;
      case '--timeout':
        options.requestTimeoutMs = parseDuration(value, option);
        break;
      default:
        throw new UsageError(`unknown option ${option}`);
    }
  }
  return options;
}
