import { randomBytes, randomInt } from 'node:crypto';
import { Partitioners, type PartitionerArgs } from 'kafkajs';
import { KeyHashPartitioner } from './key-partitioner';

const metadata = (count: number, leaderless: number[] = []) =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionId,
    leader: leaderless.includes(partitionId) ? -1 : 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));

const args = (message: PartitionerArgs['message'], count = 12, leaderless?: number[]) => ({
  topic: 'dh.events.v1',
  partitionMetadata: metadata(count, leaderless),
  message,
});

/** Random keys: empty to 70 bytes, ASCII, multi-byte UTF-8, and raw bytes. */
function keys(): Array<string | Buffer> {
  const chars = ['a', 'Z', '7', '-', 'é', 'ü', '中', '😀'];
  const out: Array<string | Buffer> = [
    '',
    'a',
    'sensor-17',
    'e50d6085-2aba-48e9-b1c3-73c673e414be',
  ];
  for (let i = 0; i < 1_000; i++) {
    const length = randomInt(0, 71);
    out.push(Array.from({ length }, () => chars[randomInt(chars.length)]).join(''));
    out.push(randomBytes(length));
  }
  return out;
}

describe('KeyHashPartitioner', () => {
  const ours = KeyHashPartitioner();
  const theirs = Partitioners.DefaultPartitioner();

  it.each([1, 7, 12, 32])(
    'puts every key in the partition kafkajs’ default partitioner picks, of %i',
    (count) => {
      for (const key of keys()) {
        const message = { key, value: null };
        expect([key, ours(args(message, count))]).toEqual([key, theirs(args(message, count))]);
      }
    },
  );

  it('keeps a record’s own partition', () => {
    expect(ours(args({ key: 'a', value: null, partition: 5 }))).toBe(5);
  });

  it('spreads records without a key over the partitions that have a leader', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 100; i++) seen.add(ours(args({ value: null }, 4, [1])));

    expect([...seen].sort()).toEqual([0, 2, 3]);
  });
});
