import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// What `npm publish dist/client-package` would ship: it loads with `mqtt` as its only runtime
// dependency (no decorator metadata, class-validator or server code), and declares its types.

jest.setTimeout(120_000);

const ROOT = join(__dirname, '../../..');
const OUT = join(ROOT, 'dist/client-package-test');

describe('the @dh-mqtt/client package', () => {
  beforeAll(() => {
    execFileSync(process.execPath, ['libs/client/build-package.mjs', '--out', OUT], { cwd: ROOT });
  });

  it('loads in plain Node and requires nothing but mqtt from node_modules', () => {
    const script = `
      const client = require(${JSON.stringify(OUT)});
      const modules = Object.keys(require.cache)
        .filter((file) => file.includes('node_modules'))
        .map((file) => file.split('node_modules/').pop().split('/')[0])
        .filter((name, i, all) => all.indexOf(name) === i);
      console.log(JSON.stringify({ exports: Object.keys(client).sort(), modules }));`;
    const report = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    expect(report.exports).toEqual(
      expect.arrayContaining(['DhClient', 'DhRequestError', 'DhTimeoutError', 'eventTopicFilter']),
    );
    expect(report.modules).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/class-validator|class-transformer|reflect/)]),
    );
    expect(report.modules).toContain('mqtt');
  });

  it('names its entry points, its declarations and one pinned dependency', () => {
    const manifest = JSON.parse(readFileSync(join(OUT, 'package.json'), 'utf8'));
    expect(manifest).toMatchObject({ name: '@dh-mqtt/client', dependencies: { mqtt: '5.16.0' } });
    const types = readFileSync(join(OUT, manifest.types), 'utf8');
    expect(types).toContain('DhClient');
    const rootManifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(manifest.dependencies.mqtt).toBe(rootManifest.dependencies.mqtt);
    const emitted = readFileSync(join(OUT, 'client/src/action-types.d.ts'), 'utf8');
    expect(emitted).not.toContain('@dh-mqtt/protocol');
  });
});
