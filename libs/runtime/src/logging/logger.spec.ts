import { Writable } from 'node:stream';
import { createLogger } from './logger';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, destination };
}

describe(createLogger.name, () => {
  describe('when a log line carries secret fields', () => {
    it.each([
      [{ password: 'hunter2' }],
      [{ request: { action: 'token', password: 'hunter2' } }],
      [{ reply: { body: { accessToken: 'hunter2' } } }],
      [{ config: { jwtSecret: 'hunter2', adminPassword: 'hunter2' } }],
      [{ config: { databaseUrl: 'postgres://u:hunter2@db/x' } }],
    ])('replaces them with [Redacted] (%j)', async (fields) => {
      const { lines, destination } = capture();
      const logger = createLogger({ level: 'info', name: 'test', destination });
      logger.info(fields, 'hello');
      logger.flush();
      await new Promise((resolve) => setImmediate(resolve));
      const text = lines.join('');
      expect(text).toContain('hello');
      expect(text).toContain('[Redacted]');
      expect(text).not.toContain('hunter2');
    });
  });

  it('keeps ordinary fields', async () => {
    const { lines, destination } = capture();
    createLogger({ level: 'info', name: 'test', destination }).info({ port: 18830 }, 'listening');
    await new Promise((resolve) => setImmediate(resolve));
    expect(JSON.parse(lines[0])).toMatchObject({ name: 'test', port: 18830, msg: 'listening' });
  });
});
