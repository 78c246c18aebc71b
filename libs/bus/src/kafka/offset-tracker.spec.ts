import { OffsetTracker } from './offset-tracker';

describe(OffsetTracker.name, () => {
  describe('when records finish out of order', () => {
    it('commits no further than the oldest record still in flight', () => {
      const tracker = new OffsetTracker();
      for (const offset of ['10', '11', '12']) tracker.begin(0, offset);

      tracker.end(0, '12');
      tracker.end(0, '11');

      expect(tracker.takeCommits()).toEqual([{ partition: 0, offset: '10' }]);
    });

    it('commits past the newest record once all are done', () => {
      const tracker = new OffsetTracker();
      for (const offset of ['10', '11', '12']) tracker.begin(0, offset);

      for (const offset of ['11', '10', '12']) tracker.end(0, offset);

      expect(tracker.takeCommits()).toEqual([{ partition: 0, offset: '13' }]);
    });
  });

  describe('when a partition has not moved since the last commit', () => {
    it('hands out nothing for it', () => {
      const tracker = new OffsetTracker();
      tracker.begin(0, '1');
      tracker.end(0, '1');
      tracker.takeCommits();

      expect(tracker.takeCommits()).toEqual([]);
    });
  });

  describe('when a commit failed', () => {
    it('hands the partition out again after restore()', () => {
      const tracker = new OffsetTracker();
      tracker.begin(3, '7');
      tracker.end(3, '7');
      const failed = tracker.takeCommits();

      tracker.restore(failed);

      expect(tracker.takeCommits()).toEqual([{ partition: 3, offset: '8' }]);
    });
  });

  describe('when a rebalance takes a partition away', () => {
    it('forgets it, and a late end() of its record commits nothing', () => {
      const tracker = new OffsetTracker();
      tracker.begin(0, '5');
      tracker.begin(1, '9');

      tracker.retain([1]);
      tracker.end(0, '5');
      tracker.end(1, '9');

      expect(tracker.takeCommits()).toEqual([{ partition: 1, offset: '10' }]);
    });
  });

  describe('when offsets exceed 2^53', () => {
    it('keeps them exact', () => {
      const tracker = new OffsetTracker();
      tracker.begin(0, '9007199254740993');
      tracker.end(0, '9007199254740993');

      expect(tracker.takeCommits()).toEqual([{ partition: 0, offset: '9007199254740994' }]);
    });
  });
});
