import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DhClient } from '@dh-mqtt/client';
import { startEmbeddedServer, type EmbeddedServer } from './support/embedded-standalone';

// Every `@dh-mqtt/client` script of README.md and the topic cards, run as a reader would: with
// `node`, beside the built package, against the embedded server. A device answers the sample
// device's commands, as the command update card's `mosquitto_rr` does.

jest.setTimeout(120_000);

const ROOT = join(__dirname, '../../..');
const PACKAGE = join(ROOT, 'dist/client-package-docs');
const SAMPLE_DEVICE = 'e50d6085-2aba-48e9-b1c3-73c673e414be';

/** The client-library scripts of a Markdown file, with the heading above each. */
function examplesOf(file: string): Array<[string, string]> {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const examples: Array<[string, string]> = [];
  for (const match of text.matchAll(/```js\n([\s\S]*?)```/g)) {
    if (match[1].includes("require('@dh-mqtt/client')")) {
      examples.push([`${file} #${examples.length + 1}`, match[1]]);
    }
  }
  return examples;
}

const EXAMPLES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs/topics')).map((name) => `docs/topics/${name}`),
].flatMap(examplesOf);

describe('the client-library examples of the docs', () => {
  let server: EmbeddedServer;
  let device: DhClient;
  let dir: string;

  beforeAll(async () => {
    execFileSync(process.execPath, ['libs/client/build-package.mjs', '--out', PACKAGE], {
      cwd: ROOT,
    });
    dir = mkdtempSync(join(tmpdir(), 'dh-docs-'));
    mkdirSync(join(dir, 'node_modules/@dh-mqtt'), { recursive: true });
    symlinkSync(PACKAGE, join(dir, 'node_modules/@dh-mqtt/client'), 'dir');
    server = await startEmbeddedServer();
    device = await DhClient.connect({
      url: server.mqttUrl,
      clientId: 'docs-device',
      username: 'dhadmin',
      password: 'dhadmin_#911',
    });
    await device.listen('command', { deviceId: SAMPLE_DEVICE }, (push) => {
      void device
        .request('command/update', {
          deviceId: SAMPLE_DEVICE,
          commandId: push.command.id,
          command: { status: 'done', result: { on: true } },
        })
        .catch(() => undefined);
    });
  });

  afterAll(async () => {
    await device?.end();
    await server?.stop(true);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finds the scripts of README.md and the cards', () => {
    expect(EXAMPLES.map(([name]) => name.split(' ')[0])).toEqual(
      expect.arrayContaining([
        'README.md',
        'docs/topics/request.md',
        'docs/topics/error-response.md',
        'docs/topics/notification.md',
        'docs/topics/command-update.md',
      ]),
    );
  });

  it.each(EXAMPLES)('%s runs to its end without an error', async (name, source) => {
    const script = join(dir, `${name.replace(/\W+/g, '-')}.js`);
    writeFileSync(script, source);
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        [script],
        { cwd: dir, env: { PATH: process.env['PATH'], MQTT_URL: server.mqttUrl }, timeout: 30_000 },
        (error, stdout, stderr) => resolve({ code: error ? 1 : 0, stdout, stderr }),
      ),
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).not.toBe('');
  });
});
