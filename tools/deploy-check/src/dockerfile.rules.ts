import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isPinnedImage } from './k8s-workload.rules';

/** One Dockerfile instruction, continuation lines joined. */
export interface Instruction {
  keyword: string;
  args: string;
}

/** Splits a Dockerfile into instructions (comments dropped, `\` continuations joined). */
export function parseDockerfile(text: string): Instruction[] {
  const joined = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

export interface DockerfileExpectations {
  app: 'broker' | 'gateway';
  /** Ports the runtime image must EXPOSE. */
  ports: number[];
  /** Root of the build context, to check that COPY sources exist. */
  contextDir: string;
}

/**
 * Rules of docker/<app>.Dockerfile: a build stage running `npm ci` and the build script, a
 * runtime stage on a pinned node slim image with production dependencies only, running as the
 * `node` user, with EXPOSE, STOPSIGNAL SIGTERM, a node HEALTHCHECK on /healthz, and the app's
 * main as CMD. COPY sources must exist in the build context.
 */
export function validateDockerfile(text: string, expect: DockerfileExpectations): string[] {
  const all = parseDockerfile(text);
  const problems: string[] = [];
  const args = new Map(
    all
      .filter((i) => i.keyword === 'ARG' && i.args.includes('='))
      .map((i) => i.args.split('=', 2) as [string, string]),
  );
  const fromAt = all.flatMap((i, index) => (i.keyword === 'FROM' ? [index] : []));
  if (fromAt.length < 2) return [`${expect.app}: not a multi-stage build`];
  const stage = (n: number) => all.slice(fromAt[n], fromAt[n + 1]);
  const build = stage(0);
  const runtime = stage(fromAt.length - 1);
  const has = (list: Instruction[], keyword: string, pattern: RegExp) =>
    list.some((i) => i.keyword === keyword && pattern.test(i.args));

  for (const from of all.filter((i) => i.keyword === 'FROM')) {
    const image = from.args
      .split(/\s+/)[0]
      .replace(/^\$\{(\w+)\}$/, (_m, n: string) => args.get(n) ?? '');
    if (!/^node:20(\.\d+)*-[a-z]+-slim$/.test(image) || !isPinnedImage(image)) {
      problems.push(`${expect.app}: base image ${image} is not a pinned node 20 slim tag`);
    }
  }
  if (!has(build, 'RUN', /npm ci\b/)) problems.push(`${expect.app}: build stage does not npm ci`);
  if (!has(build, 'RUN', new RegExp(`build\\.mjs --out dist/${expect.app} apps/${expect.app}`))) {
    problems.push(`${expect.app}: build stage does not build apps/${expect.app}`);
  }
  if (!has(runtime, 'RUN', /npm ci .*--omit=dev/)) {
    problems.push(`${expect.app}: runtime stage installs dev dependencies`);
  }
  if (!has(runtime, 'COPY', /--from=\S+ .*dist/))
    problems.push(`${expect.app}: dist not copied from build`);
  const users = runtime.filter((i) => i.keyword === 'USER');
  if (users.at(-1)?.args !== 'node') problems.push(`${expect.app}: does not run as USER node`);
  if (!has(runtime, 'STOPSIGNAL', /^SIGTERM$/))
    problems.push(`${expect.app}: no STOPSIGNAL SIGTERM`);
  if (!has(runtime, 'HEALTHCHECK', /CMD \["node", .*"\/healthz"\]/)) {
    problems.push(`${expect.app}: no node HEALTHCHECK on /healthz`);
  }
  const exposed = runtime.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.split(/\s+/));
  for (const port of expect.ports) {
    if (!exposed.includes(String(port))) problems.push(`${expect.app}: does not EXPOSE ${port}`);
  }
  if (!has(runtime, 'CMD', new RegExp(`dist/apps/${expect.app}/src/main\\.js`))) {
    problems.push(`${expect.app}: CMD does not run dist/apps/${expect.app}/src/main.js`);
  }
  for (const copy of all.filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))) {
    const sources = copy.args.split(/\s+/).slice(0, -1);
    for (const source of sources) {
      if (!existsSync(join(expect.contextDir, source))) {
        problems.push(`${expect.app}: COPY source ${source} does not exist`);
      }
    }
  }
  return problems;
}
