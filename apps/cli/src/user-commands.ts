import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openStorage, setUserPassword, unlockUser } from '@dh-mqtt/devicehive';
import { UserStatus } from '@dh-mqtt/protocol';
import type { CoreConfig } from '@dh-mqtt/runtime';

export const USER_COMMANDS = ['unlock', 'set-password'] as const;

export interface UserCommand {
  command: (typeof USER_COMMANDS)[number];
  login: string;
  /** For `set-password`. */
  password?: string;
}

const STATUS_NAMES: Record<number, string> = {
  [UserStatus.Active]: 'ACTIVE',
  [UserStatus.LockedOut]: 'LOCKED_OUT',
  [UserStatus.Disabled]: 'DISABLED',
};

/**
 * Runs a user command on the database of `config` (PostgreSQL when `databaseUrl` is set, else
 * the PGlite directory, which must already hold a database and is locked while the command runs);
 * resolves with the line to print.
 */
export async function runUserCommand(config: CoreConfig, command: UserCommand): Promise<string> {
  if (!config.databaseUrl && !existsSync(join(config.dataDir, 'PG_VERSION'))) {
    throw new Error(
      `DH_DATA_DIR ${config.dataDir} holds no database: set DH_DATA_DIR to the server's data ` +
        'directory, or DH_DATABASE_URL for a cluster',
    );
  }
  const sql = await openStorage({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    if (command.command === 'unlock') {
      const outcome = await unlockUser(sql, command.login);
      if (!outcome.existed) throw new Error(`no user with login ${command.login}`);
      const before = STATUS_NAMES[outcome.previousStatus ?? UserStatus.Active];
      return `user ${command.login} is ACTIVE (was ${before}); failed logins cleared`;
    }
    await setUserPassword(sql, command.login, command.password ?? '');
    return `password of user ${command.login} changed`;
  } finally {
    await sql.close();
  }
}
