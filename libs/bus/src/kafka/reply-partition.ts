import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

/**
 * The partition of the reply topic a broker reads (ADR 0005): `pinned` when the operator chose
 * one (e.g. from a StatefulSet ordinal, collision-free up to the partition count), else a hash of
 * the broker id (FNV-1a), stable across restarts of the same pod.
 */
export function replyPartitionFor(brokerId: string, partitions: number, pinned?: number): number {
  if (pinned !== undefined) {
    if (!Number.isInteger(pinned) || pinned < 0 || pinned >= partitions) {
      throw new Error(
        `reply partition ${pinned} is not one of the ${partitions} partitions of the reply topic`,
      );
    }
    return pinned;
  }
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(brokerId, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}

/**
 * A kafkajs partition assigner that gives every member of the group exactly `partition` of
 * `topic`. The reply consumer is the only member of a group of its own, so this is how kafkajs
 * (which has no `assign()`) reads one chosen partition without any group rebalancing it away.
 */
export function pinnedPartitionAssigner(topic: string, partition: number): PartitionAssigner {
  const name = 'DhPinnedPartition';
  const version = 1;
  return () => ({
    name,
    version,
    protocol: ({ topics }) => ({
      name,
      metadata: AssignerProtocol.MemberMetadata.encode({
        version,
        topics,
        userData: Buffer.alloc(0),
      }),
    }),
    assign: async ({ members }) =>
      members.map(({ memberId }) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version,
          assignment: { [topic]: [partition] },
          userData: Buffer.alloc(0),
        }),
      })),
  });
}
