import { resolveComposeLoader, resolveKustomize, TOOL_ENV } from './tool-binaries';

const log = (line: string) => process.stderr.write(`${line}\n`);

/** jest globalSetup: resolve (or install) the renderers once, and say which path runs. */
export default function setup(): void {
  const kustomize = resolveKustomize(log);
  log(`deploy-check: kubernetes manifests rendered with ${kustomize.via}`);
  const compose = resolveComposeLoader(log);
  log(`deploy-check: docker-compose.yml loaded with ${compose.via}`);
  process.env[TOOL_ENV.kustomize] = JSON.stringify(kustomize);
  process.env[TOOL_ENV.composeLoader] = JSON.stringify(compose);
}
