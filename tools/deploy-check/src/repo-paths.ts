import { join, resolve } from 'node:path';

/** The repository root (this file is tools/deploy-check/src/repo-paths.ts). */
export const REPO_ROOT = resolve(__dirname, '../../..');

/** Git-ignored cache of downloaded or built tool binaries (`.infra/` in .gitignore). */
export const TOOL_BIN_DIR = join(REPO_ROOT, '.infra', 'bin');

/** Paths of the files this project validates. */
export const DEPLOY_PATHS = Object.freeze({
  compose: join(REPO_ROOT, 'docker-compose.yml'),
  composeEnvExample: join(REPO_ROOT, 'docker', 'compose.env.example'),
  haproxy: join(REPO_ROOT, 'docker', 'haproxy', 'haproxy.cfg'),
  healthcheck: join(REPO_ROOT, 'docker', 'healthcheck.cjs'),
  dockerignore: join(REPO_ROOT, '.dockerignore'),
  dockerfile: (app: 'broker' | 'gateway') => join(REPO_ROOT, 'docker', `${app}.Dockerfile`),
  overlay: (name: string) => join(REPO_ROOT, 'k8s', 'overlays', name),
  k8sOptional: join(REPO_ROOT, 'k8s', 'optional'),
  k8sMonitoring: join(REPO_ROOT, 'k8s', 'optional', 'monitoring'),
  k8sBase: join(REPO_ROOT, 'k8s', 'base'),
  dashboard: join(REPO_ROOT, 'k8s', 'optional', 'monitoring', 'dh-mqtt-dashboard.json'),
  prometheusRules: join(REPO_ROOT, 'k8s', 'optional', 'monitoring', 'prometheus-rules.yaml'),
  operationsDoc: join(REPO_ROOT, 'docs', 'operations.md'),
  composeCheckModule: join(REPO_ROOT, 'tools', 'deploy-check', 'compose-check'),
  kafkaTopicsSource: join(REPO_ROOT, 'libs', 'bus', 'src', 'kafka-topics.ts'),
});
