import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateAsyncApiFiles } from './asyncapi-files';

/**
 * `node tools/asyncapi/generate.mjs [--check]`: writes docs/asyncapi.yaml and docs/asyncapi.md,
 * or with `--check` exits 1 naming each committed file that differs from its generated content.
 */
async function main(): Promise<void> {
  const root = process.cwd();
  const check = process.argv.includes('--check');
  const files = await generateAsyncApiFiles(root);
  let stale = 0;
  for (const [path, content] of Object.entries(files)) {
    const target = join(root, path);
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {
      // absent: stale
    }
    if (current === content) continue;
    if (check) {
      process.stderr.write(
        `${path} differs from its generated content: run nx run asyncapi:generate\n`,
      );
      stale++;
    } else {
      writeFileSync(target, content);
      process.stdout.write(`wrote ${path}\n`);
    }
  }
  if (stale) process.exit(1);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
  process.exit(1);
});
