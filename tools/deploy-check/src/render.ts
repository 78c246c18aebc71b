import { spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { DEPLOY_PATHS, REPO_ROOT } from './repo-paths';
import type { ToolCommand } from './tool-binaries';

/** The slice of a Kubernetes object the checks read; everything else stays `unknown`. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** Parses a multi-document YAML stream; a syntax error in any document throws. */
export function parseYamlStream(text: string): unknown[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('\n'));
      return doc.toJS() as unknown;
    })
    .filter((value) => value != null);
}

/** `kustomize build <dir>` (or `kubectl kustomize <dir>`), parsed. Throws with kustomize's error. */
export function renderKustomization(tool: ToolCommand, dir: string): K8sObject[] {
  const run = spawnSync(tool.command, [...tool.args, dir], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
    timeout: 60_000,
  });
  if (run.status !== 0) throw new Error(`${tool.via} ${dir} failed:\n${run.stderr}`);
  return parseYamlStream(run.stdout) as K8sObject[];
}

/** What the Compose loader said about docker-compose.yml. */
export interface ComposeLoadResult {
  ok: boolean;
  /** The loader's error output (names the missing variable or the schema violation). */
  errors: string;
}

/**
 * Loads docker-compose.yml like `docker compose config -q` with exactly `vars` as environment
 * (plus PATH/HOME): no `.env` file and none of the caller's DH_* variables leak in.
 */
export function loadCompose(tool: ToolCommand, vars: Record<string, string>): ComposeLoadResult {
  const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...vars };
  const args =
    tool.command === 'docker' || tool.command === 'docker-compose'
      ? [
          ...tool.args,
          '--env-file',
          '/dev/null',
          '--project-directory',
          REPO_ROOT,
          '-f',
          DEPLOY_PATHS.compose,
          'config',
          '-q',
        ]
      : [...tool.args, DEPLOY_PATHS.compose];
  const run = spawnSync(tool.command, args, { encoding: 'utf8', env, timeout: 60_000 });
  return { ok: run.status === 0, errors: run.stderr };
}
