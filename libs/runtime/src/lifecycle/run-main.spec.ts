import { EventEmitter } from 'node:events';
import { ConfigError } from '../config/env-reader';
import { silentLogger } from '../logging/logger';
import { runMain, startWithShutdown, type StartableApp } from './run-main';

function capture() {
  const lines: string[] = [];
  const exits: number[] = [];
  return {
    lines,
    exits,
    options: {
      stderr: { write: (line: string) => lines.push(line) > 0 },
      exit: (code: number) => void exits.push(code),
    },
  };
}

describe(runMain.name, () => {
  describe('when main resolves', () => {
    it('writes nothing and does not exit', async () => {
      const { lines, exits, options } = capture();
      await runMain(async () => undefined, options);
      expect(lines).toEqual([]);
      expect(exits).toEqual([]);
    });
  });

  describe('when the configuration is bad', () => {
    it('writes the config error alone, prefixed, and exits with the config exit code', async () => {
      const { lines, exits, options } = capture();
      await runMain(
        async () => {
          throw new ConfigError('DH_PORT', 'must be a port');
        },
        { ...options, stderrPrefix: 'gateway: ', configErrorExitCode: 2 },
      );
      expect(lines).toEqual([`gateway: ${new ConfigError('DH_PORT', 'must be a port').message}\n`]);
      expect(exits).toEqual([2]);
    });

    it('exits with 1 when no config exit code is given', async () => {
      const { exits, options } = capture();
      await runMain(async () => {
        throw new ConfigError('DH_PORT', 'must be a port');
      }, options);
      expect(exits).toEqual([1]);
    });
  });

  describe('when the start fails otherwise', () => {
    it('writes "Failed to start" with the error and exits with 1', async () => {
      const { lines, exits, options } = capture();
      await runMain(
        async () => {
          throw new Error('connect ECONNREFUSED');
        },
        { ...options, configErrorExitCode: 2 },
      );
      expect(lines).toEqual(['Failed to start: Error: connect ECONNREFUSED\n']);
      expect(exits).toEqual([1]);
    });
  });
});

describe(startWithShutdown.name, () => {
  function setup(start: (emitter: EventEmitter) => Promise<unknown>) {
    const emitter = new EventEmitter();
    const order: string[] = [];
    const exits: number[] = [];
    const app: StartableApp = {
      shutdownSteps: [{ name: 'app', close: () => void order.push('closed') }],
      listenHealth: async () => void order.push('health'),
      start: () => {
        order.push('start');
        return start(emitter);
      },
    };
    const options = {
      logger: silentLogger(),
      timeoutMs: 1000,
      emitter: emitter as unknown as NodeJS.Process,
      exit: (code: number) => void exits.push(code),
    };
    return { app, options, order, exits };
  }

  describe('when the app starts', () => {
    it('listens for health before starting, and closes the steps on SIGTERM', async () => {
      const { app, options, order, exits } = setup(async () => undefined);
      const shutdown = await startWithShutdown(app, options);
      expect(order).toEqual(['health', 'start']);
      await shutdown.shutdown('SIGTERM');
      expect(order).toEqual(['health', 'start', 'closed']);
      expect(exits).toEqual([]);
      shutdown.dispose();
    });
  });

  describe('when the start fails without a shutdown', () => {
    it('rejects with the start error', async () => {
      const { app, options } = setup(async () => {
        throw new Error('kafka unreachable');
      });
      await expect(startWithShutdown(app, options)).rejects.toThrow('kafka unreachable');
    });
  });

  describe('when a signal interrupts the start', () => {
    it('resolves instead of failing, and the shutdown runs', async () => {
      const { app, options, order, exits } = setup(async (emitter) => {
        emitter.emit('SIGTERM', 'SIGTERM');
        throw new Error('connection closed');
      });
      const shutdown = await startWithShutdown(app, options);
      await shutdown.shutdown('again');
      expect(order).toEqual(['health', 'start', 'closed']);
      expect(exits).toEqual([0]);
      shutdown.dispose();
    });
  });
});
