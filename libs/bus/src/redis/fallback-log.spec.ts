import { capturedLogger } from '../testing/kafka.fixtures';
import { FallbackLog } from './fallback-log';

describe('FallbackLog', () => {
  it('logs the first fallback of each reason, then one line per period with the count', () => {
    const { logger, lines } = capturedLogger();
    let now = 0;
    const log = new FallbackLog(logger, 10_000, () => now);

    log.note('no_receiver', 'pod-1');
    log.note('no_receiver', 'pod-1');
    log.note('redis_down', 'pod-2');
    now = 9_999;
    log.note('no_receiver', 'pod-1');
    now = 10_000;
    log.note('no_receiver', 'pod-3');

    expect(lines.map((l) => [l['reason'], l['brokerId'], l['fallbacksSinceLastLine']])).toEqual([
      ['no_receiver', 'pod-1', 0],
      ['redis_down', 'pod-2', 0],
      ['no_receiver', 'pod-3', 2],
    ]);
    expect(lines.every((l) => l['level'] === 'warn' || l['level'] === 40)).toBe(true);
  });
});
