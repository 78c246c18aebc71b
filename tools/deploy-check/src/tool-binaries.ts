import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEPLOY_PATHS, TOOL_BIN_DIR } from './repo-paths';

/** kustomize release installed through the Go module proxy when no kustomize is found. */
export const KUSTOMIZE_VERSION = 'v5.7.1';

/** A command line prefix plus how it was found, logged so a run says which path it took. */
export interface ToolCommand {
  command: string;
  args: string[];
  via: string;
}

type Log = (line: string) => void;

function succeeds(command: string, args: string[]): string | undefined {
  const run = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });
  return run.status === 0 ? `${run.stdout}${run.stderr}` : undefined;
}

function goInstall(target: string, log: Log, options: { cwd?: string } = {}): void {
  mkdirSync(TOOL_BIN_DIR, { recursive: true });
  log(`deploy-check: go install ${target} into .infra/bin (cached; rebuilt only when changed)`);
  const run = spawnSync('go', ['install', target], {
    cwd: options.cwd,
    env: { ...process.env, GOBIN: TOOL_BIN_DIR, GOFLAGS: '-buildvcs=false' },
    encoding: 'utf8',
    timeout: 15 * 60_000,
  });
  if (run.status !== 0) throw new Error(`go install ${target} failed:\n${run.stderr}`);
}

/**
 * kustomize, in this order: `DH_KUSTOMIZE`; the pinned build cached in `.infra/bin`; `kustomize`
 * on PATH; `kubectl kustomize`; else `go install` of {@link KUSTOMIZE_VERSION} into `.infra/bin`.
 * Throws when none works, naming what to install: a missing renderer fails the run.
 */
export function resolveKustomize(log: Log): ToolCommand {
  const fromEnv = process.env['DH_KUSTOMIZE'];
  if (fromEnv) return { command: fromEnv, args: ['build'], via: `DH_KUSTOMIZE=${fromEnv}` };
  const cached = join(TOOL_BIN_DIR, 'kustomize');
  if (existsSync(cached) && succeeds(cached, ['version'])?.includes(KUSTOMIZE_VERSION)) {
    return { command: cached, args: ['build'], via: `.infra/bin/kustomize ${KUSTOMIZE_VERSION}` };
  }
  const onPath = succeeds('kustomize', ['version']);
  if (onPath) return { command: 'kustomize', args: ['build'], via: `kustomize ${onPath.trim()}` };
  if (succeeds('kubectl', ['kustomize', '--help'])) {
    return { command: 'kubectl', args: ['kustomize'], via: 'kubectl kustomize' };
  }
  if (!succeeds('go', ['version'])) {
    throw new Error(
      'deploy-check: no kustomize, no kubectl and no Go toolchain: install Go (>= 1.22) so the ' +
        `check can build sigs.k8s.io/kustomize/kustomize/v5@${KUSTOMIZE_VERSION}, or set DH_KUSTOMIZE`,
    );
  }
  goInstall(`sigs.k8s.io/kustomize/kustomize/v5@${KUSTOMIZE_VERSION}`, log);
  return {
    command: cached,
    args: ['build'],
    via: `.infra/bin/kustomize ${KUSTOMIZE_VERSION} (installed)`,
  };
}

/**
 * A Compose loader that interpolates and validates like `docker compose config`: the docker CLI
 * with its compose plugin when present, else `tools/deploy-check/compose-check` (compose-go, the
 * library behind that command) built with Go into `.infra/bin`. Throws when neither is possible.
 */
export function resolveComposeLoader(log: Log): ToolCommand {
  if (succeeds('docker', ['compose', 'version'])) {
    return { command: 'docker', args: ['compose'], via: 'docker compose config' };
  }
  if (succeeds('docker-compose', ['version'])) {
    return { command: 'docker-compose', args: [], via: 'docker-compose config' };
  }
  log('deploy-check: no `docker compose` here (plugin missing); using compose-go instead');
  if (!succeeds('go', ['version'])) {
    throw new Error(
      'deploy-check: neither `docker compose` nor a Go toolchain to build compose-check is ' +
        'available: install the docker compose plugin or Go (>= 1.22)',
    );
  }
  // `go install` rebuilds only when the sources changed (Go build cache).
  goInstall('.', log, { cwd: DEPLOY_PATHS.composeCheckModule });
  return {
    command: join(TOOL_BIN_DIR, 'compose-check'),
    args: [],
    via: 'compose-go loader (tools/deploy-check/compose-check)',
  };
}

/** Environment key under which global setup hands a resolved tool to the test workers. */
export const TOOL_ENV = Object.freeze({
  kustomize: 'DH_DEPLOY_CHECK_KUSTOMIZE',
  composeLoader: 'DH_DEPLOY_CHECK_COMPOSE_LOADER',
});

/** The tool global setup resolved (or resolves it now when a spec runs on its own). */
export function toolFromEnv(key: keyof typeof TOOL_ENV, log: Log = () => undefined): ToolCommand {
  const json = process.env[TOOL_ENV[key]];
  if (json) return JSON.parse(json) as ToolCommand;
  return key === 'kustomize' ? resolveKustomize(log) : resolveComposeLoader(log);
}
