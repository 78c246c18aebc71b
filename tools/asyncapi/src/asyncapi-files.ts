import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { stringify } from 'yaml';
import { buildAsyncApiDocument } from './asyncapi-document';
import { renderMarkdown } from './markdown-render';
import { readReplyTypeSchemas } from './reply-schemas';

/** The generated files, relative to the repository root. */
export const YAML_PATH = 'docs/asyncapi.yaml';
/** The rendering of docs/asyncapi.yaml, relative to the repository root. */
export const MARKDOWN_PATH = 'docs/asyncapi.md';

/** What `generate` writes: path → content, formatted as `prettier --check` wants it. */
export async function generateAsyncApiFiles(root: string): Promise<Record<string, string>> {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    version: string;
  };
  const document = buildAsyncApiDocument({ version, replies: readReplyTypeSchemas(root) });
  const files: Record<string, string> = {
    [YAML_PATH]: stringify(document, { lineWidth: 0, aliasDuplicateObjects: false }),
    [MARKDOWN_PATH]: renderMarkdown(document),
  };
  for (const [path, text] of Object.entries(files)) {
    const options = (await resolveConfig(join(root, path))) ?? {};
    files[path] = await format(text, { ...options, filepath: join(root, path) });
  }
  return files;
}
