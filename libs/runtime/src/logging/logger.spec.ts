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

describe('log formats', () => {
  const lineOf = async (options: Partial<Parameters<typeof createLogger>[0]>) => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'info', name: 'broker', destination, ...options });
    logger.info(
      { clientId: 'sensor-7', remoteAddress: '10.0.0.5', password: 'hunter2' },
      'client connected',
    );
    await new Promise((resolve) => setImmediate(resolve));
    return lines.join('');
  };

  it('writes JSON by default', async () => {
    expect(JSON.parse(await lineOf({}))).toMatchObject({ msg: 'client connected' });
  });

  it.each([
    ['DH_LOG_FORMAT=pretty', { format: 'pretty' as const }],
    ['a terminal', { isTty: true }],
  ])('writes one readable line with %s, secrets still redacted', async (_case, options) => {
    const line = await lineOf(options);
    expect(line).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} INFO {2}broker: client connected clientId=sensor-7 remoteAddress=10\.0\.0\.5 password=\[Redacted\]\n$/,
    );
    expect(line).not.toContain('hunter2');
  });

  it('keeps JSON on a terminal when DH_LOG_FORMAT=json', async () => {
    expect(JSON.parse(await lineOf({ format: 'json', isTty: true }))).toMatchObject({
      clientId: 'sensor-7',
    });
  });
});
