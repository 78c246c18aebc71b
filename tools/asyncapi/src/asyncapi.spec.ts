import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import { ACTION_NAMES } from '@dh-mqtt/protocol';
const YAML_PATH = 'docs/asyncapi.yaml';

const root = join(__dirname, '../../..');
const committed = (path: string): string => readFileSync(join(root, path), 'utf8');

describe('docs/asyncapi.yaml', () => {
  let parsed: Awaited<ReturnType<Parser['parse']>>;

  beforeAll(async () => {
    parsed = await new Parser().parse(committed(YAML_PATH));
  }, 60_000);

  // Prettier formats the generated files and cannot load inside jest: the check runs as a process.
  it('and docs/asyncapi.md are exactly what nx run asyncapi:generate writes', () => {
    const check = spawnSync(process.execPath, ['tools/asyncapi/generate.mjs', '--check'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  }, 180_000);

  it('parses as AsyncAPI 3.0 with no error and no warning', () => {
    const { document, diagnostics } = parsed;
    const problems = diagnostics
      .filter((d) => d.severity <= 1)
      .map((d) => `${d.path.join('.')}: ${d.message}`);
    expect(problems).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
  });

  it('describes every action of the catalog as a request with a reply', () => {
    const { document } = parsed;
    const titles = document
      ?.operations()
      .all()
      .filter((op) => op.channels().all()[0]?.address() === 'dh/request')
      .map((op) => (op.json() as { title?: string }).title);
    expect(titles?.sort()).toEqual([...ACTION_NAMES].sort());
  });

  it('describes the request, response, error and event topics with their parameters', () => {
    const { document } = parsed;
    const addresses = document
      ?.channels()
      .all()
      .map((c) => [
        c.address(),
        c
          .parameters()
          .all()
          .map((p) => p.id()),
      ]);
    expect(addresses).toEqual([
      ['dh/request', []],
      ['dh/response/{action}@{clientId}', ['action', 'clientId']],
      ['dh/response/error@{clientId}', ['clientId']],
      ...['notification', 'command', 'command_update'].map((kind) => [
        `dh/${kind}/{networkId}/{deviceTypeId}/{deviceId}/{name}`,
        ['networkId', 'deviceTypeId', 'deviceId', 'name'],
      ]),
    ]);
  });
});
