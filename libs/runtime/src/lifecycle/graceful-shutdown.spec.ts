import { EventEmitter } from 'node:events';
import { silentLogger } from '../logging/logger';
import { installGracefulShutdown } from './graceful-shutdown';

function setup(
  steps: Array<{ name: string; close: () => Promise<void> | void }>,
  timeoutMs = 1000,
) {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  const shutdown = installGracefulShutdown({
    logger: silentLogger(),
    steps,
    timeoutMs,
    emitter: emitter as unknown as NodeJS.Process,
    exit: (code) => exits.push(code),
  });
  return { emitter, exits, shutdown };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

describe(installGracefulShutdown.name, () => {
  describe('when SIGTERM arrives', () => {
    it('closes the steps in order and exits with 0', async () => {
      const order: string[] = [];
      const { emitter, exits, shutdown } = setup([
        { name: 'listeners', close: async () => void order.push('listeners') },
        { name: 'broker', close: async () => void order.push('broker') },
        { name: 'core', close: () => void order.push('core') },
      ]);
      emitter.emit('SIGTERM', 'SIGTERM');
      await tick();
      expect(order).toEqual(['listeners', 'broker', 'core']);
      expect(exits).toEqual([0]);
      shutdown.dispose();
    });
  });

  describe('when a step fails', () => {
    it('still closes the later steps and exits with 1', async () => {
      const closed: string[] = [];
      const { emitter, exits, shutdown } = setup([
        { name: 'a', close: () => Promise.reject(new Error('boom')) },
        { name: 'b', close: () => void closed.push('b') },
      ]);
      emitter.emit('SIGINT', 'SIGINT');
      await tick();
      expect(closed).toEqual(['b']);
      expect(exits).toEqual([1]);
      shutdown.dispose();
    });
  });

  describe('when a step hangs', () => {
    it('exits with 1 after the timeout', async () => {
      const { emitter, exits, shutdown } = setup(
        [{ name: 'stuck', close: () => new Promise<void>(() => undefined) }],
        30,
      );
      emitter.emit('SIGTERM', 'SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(exits).toEqual([1]);
      shutdown.dispose();
    });
  });

  describe('when a second signal arrives during shutdown', () => {
    it('exits at once with 1', async () => {
      const { emitter, exits, shutdown } = setup([
        { name: 'stuck', close: () => new Promise<void>(() => undefined) },
      ]);
      emitter.emit('SIGTERM', 'SIGTERM');
      emitter.emit('SIGINT', 'SIGINT');
      expect(exits).toEqual([1]);
      expect(shutdown.shuttingDown).toBe(true);
      shutdown.dispose();
    });
  });

  it('runs the steps once however often shutdown is called', async () => {
    let count = 0;
    const { shutdown } = setup([{ name: 'x', close: () => void count++ }]);
    await Promise.all([shutdown.shutdown('a'), shutdown.shutdown('b')]);
    expect(count).toBe(1);
    shutdown.dispose();
  });
});
