import { ConfigError, loadCoreConfig, type Env } from '@dh-mqtt/runtime';
import { readPassword, type PasswordInput } from './read-password';
import { runSimulateCommand } from './simulate/simulate-command';
import { runUserCommand, USER_COMMANDS } from './user-commands';

/** Where the command line reads and writes; the process's own streams in `main.ts`. */
export interface CliIo {
  env: Env;
  stdin: PasswordInput;
  stdout: Pick<NodeJS.WritableStream, 'write'>;
  stderr: Pick<NodeJS.WritableStream, 'write'>;
}

/** Exit codes: 0 done, 1 the command failed, 2 the command line or the configuration is wrong. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export const USAGE = `usage: dh-mqtt <command>

Operator commands on the DeviceHive database the server uses: DH_DATABASE_URL when set
(cluster), else the embedded database in DH_DATA_DIR (default ./data), which the running
embedded server holds: stop it first.

  user unlock <login>          make the user ACTIVE again (clears failed logins and the lock)
  user set-password <login>    store a new password (read from the terminal without echo,
                               or from standard input); the login must be unlocked separately
  simulate [options]           simulated devices on a running server: they register, send
                               notifications and answer commands (simulate --help)
  help                         this text
`;

/**
 * Runs one command line (docs/operations.md, "Operator command line"); resolves with the exit
 * code. Never prints a password or a database URL.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [group, command, login, ...extra] = argv;
  if (group === undefined || group === 'help' || group === '--help' || group === '-h') {
    io.stdout.write(USAGE);
    return group === undefined ? EXIT.usage : EXIT.ok;
  }
  if (group === 'simulate') return runSimulateCommand(argv.slice(1), io);
  if (group !== 'user' || !USER_COMMANDS.includes(command as never) || !login || extra.length) {
    io.stderr.write(`dh-mqtt: unknown command line: ${argv.join(' ')}\n\n${USAGE}`);
    return EXIT.usage;
  }
  try {
    const config = loadCoreConfig(io.env);
    const password =
      command === 'set-password' ? await readPassword(io.stdin, io.stderr, login) : undefined;
    const message = await runUserCommand(config, {
      command: command as (typeof USER_COMMANDS)[number],
      login,
      password,
    });
    io.stdout.write(`${message}\n`);
    return EXIT.ok;
  } catch (err) {
    io.stderr.write(`dh-mqtt: ${(err as Error).message}\n`);
    return err instanceof ConfigError ? EXIT.usage : EXIT.failed;
  }
}
