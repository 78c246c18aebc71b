import { readFileSync } from 'node:fs';
import { parseDockerfile, validateDockerfile } from './dockerfile.rules';
import { DEPLOY_PATHS, REPO_ROOT } from './repo-paths';

const APPS = [
  { app: 'broker' as const, ports: [1883, 8083, 8883, 8084, 9090], contextDir: REPO_ROOT },
  { app: 'gateway' as const, ports: [9090], contextDir: REPO_ROOT },
];

describe(validateDockerfile.name, () => {
  it.each(APPS)('accepts docker/$app.Dockerfile', (expect_) => {
    expect(
      validateDockerfile(readFileSync(DEPLOY_PATHS.dockerfile(expect_.app), 'utf8'), expect_),
    ).toEqual([]);
  });

  describe('when one thing is broken in the broker Dockerfile', () => {
    const broker = readFileSync(DEPLOY_PATHS.dockerfile('broker'), 'utf8');
    it.each<[string, (text: string) => string, string]>([
      [
        'a latest base image',
        (t) => t.replace(/NODE_IMAGE=\S+/, 'NODE_IMAGE=node:latest'),
        'base image node:latest',
      ],
      [
        'one stage',
        (t) => t.slice(t.indexOf('FROM ${NODE_IMAGE} AS runtime')),
        'not a multi-stage build',
      ],
      [
        'dev dependencies shipped',
        (t) => t.replace('--omit=dev ', ''),
        'installs dev dependencies',
      ],
      ['root user', (t) => t.replace('USER node', 'USER root'), 'does not run as USER node'],
      ['no STOPSIGNAL', (t) => t.replace('STOPSIGNAL SIGTERM', ''), 'no STOPSIGNAL SIGTERM'],
      [
        'a curl health check',
        (t) => t.replace(/CMD \["node".*\n/, 'CMD curl -f http://localhost:9090/healthz\n'),
        'no node HEALTHCHECK',
      ],
      [
        'the WebSocket port not exposed',
        (t) => t.replace('EXPOSE 1883 8083 8883', 'EXPOSE 1883 8883'),
        'does not EXPOSE 8083',
      ],
      [
        'the wrong main',
        (t) => t.replace('dist/apps/broker/src/main.js', 'main.js'),
        'CMD does not run',
      ],
      [
        'a COPY of a missing file',
        (t) => t.replace('COPY tsconfig.base.json', 'COPY tsconfig.missing.json'),
        'COPY source tsconfig.missing.json does not exist',
      ],
    ])('reports %s', (_defect, breakIt, problem) => {
      expect(validateDockerfile(breakIt(broker), APPS[0]).join('\n')).toContain(problem);
    });
  });
});

describe(parseDockerfile.name, () => {
  it('joins continuation lines and drops comments', () => {
    expect(parseDockerfile('# c\nENV A=1 \\\n    B=2\nUSER node\n')).toEqual([
      { keyword: 'ENV', args: 'A=1 B=2' },
      { keyword: 'USER', args: 'node' },
    ]);
  });
});

describe('.dockerignore', () => {
  it.each(['**/node_modules', '.git', '.env', 'dist', '.infra'])(
    'keeps %s out of the build context',
    (entry) => {
      expect(readFileSync(DEPLOY_PATHS.dockerignore, 'utf8').split('\n')).toContain(entry);
    },
  );
});
