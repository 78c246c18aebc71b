import { AssignerProtocol, type Cluster } from 'kafkajs';
import { pinnedPartitionAssigner, replyPartitionFor } from './reply-partition';

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
