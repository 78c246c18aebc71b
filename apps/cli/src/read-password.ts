/** Standard input as the command line sees it: a terminal (raw mode, no echo) or a pipe. */
export type PasswordInput = NodeJS.ReadableStream & {
  isTTY?: boolean;
  setRawMode?: (raw: boolean) => unknown;
};

/**
 * Reads a new password: typed twice on a terminal without echo, or the first line of piped input
 * (`printf '%s' "$PW" | dh-mqtt user set-password dhadmin`). Never from the command line, where
 * `ps` and shell history would show it.
 */
export async function readPassword(
  input: PasswordInput,
  prompt: Pick<NodeJS.WritableStream, 'write'>,
  login: string,
): Promise<string> {
  if (!input.isTTY) {
    const text = await readAll(input);
    const password = text.split(/\r?\n/)[0] ?? '';
    if (password === '') throw new Error('no password on standard input');
    return password;
  }
  const first = await readHidden(input, prompt, `New password for ${login}: `);
  const second = await readHidden(input, prompt, 'Again: ');
  if (first !== second) throw new Error('the two passwords differ; nothing was changed');
  return first;
}

async function readAll(input: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of input) text += chunk.toString();
  return text;
}

function readHidden(
  input: PasswordInput,
  prompt: Pick<NodeJS.WritableStream, 'write'>,
  question: string,
): Promise<string> {
  prompt.write(question);
  input.setRawMode?.(true);
  input.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const onData = (chunk: Buffer | string) => {
      for (const char of chunk.toString()) {
        if (char === '\r' || char === '\n') return finish(null);
        if (char === '\u0003') return finish(new Error('interrupted; nothing was changed'));
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    function finish(err: Error | null) {
      input.off('data', onData);
      input.setRawMode?.(false);
      input.pause();
      prompt.write('\n');
      if (err) reject(err);
      else resolve(typed);
    }
    input.on('data', onData);
  });
}
