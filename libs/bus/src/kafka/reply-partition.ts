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
  return fnv1a(brokerId) % partitions;
}

/**
 * The partition of the request topic a client's requests go to (docs/adr/0024): a hash of the
 * client id (FNV-1a), the same on every broker pod that knows the same partition count, so a
 * client's requests stay in one partition whichever pod it is on.
 */
export function requestPartitionFor(clientId: string, partitions: number): number {
  return fnv1a(clientId) % partitions;
}

/** 32-bit FNV-1a of the UTF-8 bytes of `text`. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
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
