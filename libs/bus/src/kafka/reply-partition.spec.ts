import { AssignerProtocol, type Cluster } from 'kafkajs';
import { pinnedPartitionAssigner, replyPartitionFor, requestPartitionFor } from './reply-partition';

describe(replyPartitionFor.name, () => {
  it.each([
    ['broker-0', 32],
    ['dh-broker-7f9c4', 32],
    ['ünïcode-pod', 5],
    ['x', 1],
  ])('maps broker id %s to the same partition below %i every time', (brokerId, partitions) => {
    const first = replyPartitionFor(brokerId, partitions);

    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(partitions);
    expect(replyPartitionFor(brokerId, partitions)).toBe(first);
  });

  it('spreads many broker ids over the partitions', () => {
    const used = new Set(
      Array.from({ length: 200 }, (_, i) => replyPartitionFor(`broker-${i}`, 32)),
    );

    expect(used.size).toBe(32);
  });

  it('uses the pinned partition when one is given', () => {
    expect(replyPartitionFor('broker-0', 32, 17)).toBe(17);
  });

  it.each([-1, 32, 1.5])('refuses pinned partition %p of a 32-partition topic', (pinned) => {
    expect(() => replyPartitionFor('broker-0', 32, pinned)).toThrow(
      `reply partition ${pinned} is not one of the 32 partitions of the reply topic`,
    );
  });
});

describe(requestPartitionFor.name, () => {
  it('is FNV-1a of the client id modulo the partition count, the same on every pod', () => {
    // FNV-1a("a") = 0xe40c292c: a pod of another build that hashes otherwise would split a
    // client's requests over two partitions.
    expect(requestPartitionFor('a', 12)).toBe(0xe40c292c % 12);
    expect(requestPartitionFor('a', 1)).toBe(0);
  });

  it('spreads many client ids over the partitions', () => {
    const used = new Set(Array.from({ length: 200 }, (_, i) => requestPartitionFor(`c-${i}`, 12)));

    expect(used.size).toBe(12);
  });
});

describe(pinnedPartitionAssigner.name, () => {
  it('assigns every member exactly the pinned partition of the reply topic', async () => {
    const assigner = pinnedPartitionAssigner(
      'dh.replies.v1',
      5,
    )({
      cluster: {} as Cluster,
      groupId: 'g',
      logger: {} as never,
    });

    const assignments = await assigner.assign({
      members: [{ memberId: 'm1', memberMetadata: Buffer.alloc(0) }],
      topics: ['dh.replies.v1'],
    });

    expect(assignments).toHaveLength(1);
    expect(assignments[0]?.memberId).toBe('m1');
    const decoded = AssignerProtocol.MemberAssignment.decode(
      assignments[0]?.memberAssignment as Buffer,
    );
    expect(decoded?.assignment).toEqual({ 'dh.replies.v1': [5] });
  });
});
