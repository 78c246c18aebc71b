// eslint-disable-next-line @nx/enforce-module-boundaries -- one ACL proof for both deployments: the matrix lives with the hardening suites and takes MQTT URLs
import { runAclProof, type AclProofReport } from '../../hardening/src/acl-proof';
import { ADMIN, startCluster, type TestCluster } from './support/cluster';

// Hardening item 3 in the cluster: the same generated ACL matrix as the embedded run, with the
// principals' connections spread over two broker pods, so every push and reply it judges may
// have crossed pods (docs/topics/notification.md "no duplicates across pods").
describe(`${runAclProof.name} on 2 broker pods and 2 gateway pods`, () => {
  let cluster: TestCluster;
  let report: AclProofReport;

  beforeAll(async () => {
    cluster = await startCluster({ name: 'acl-proof', redisDb: 12 });
    report = await runAclProof(
      { mqttUrls: cluster.brokers.map((pod) => pod.mqttUrl), admin: { ...ADMIN } },
      { settleMs: 1_500 },
    );
  });

  afterAll(async () => {
    await cluster?.close();
  });

  it('ran the whole matrix across both pods', () => {
    expect(report.size).toMatchObject({ principals: 11, connections: 22, devices: 4 });
    expect(report.size.events).toBeGreaterThan(60);
  });

  it('delivers no push, reply or request to a client that may not see it', () => {
    const leaks = report.verdict.violations.filter((v) => v.kind === 'forbidden');
    expect(leaks.length === 0 ? 'no leaks' : report.summary).toBe('no leaks');
  });

  it('delivers every allowed push and reply exactly once, and nothing unasked for', () => {
    const clean = report.verdict.violations.length === 0;
    expect(clean ? 'no violations' : report.summary).toBe('no violations');
  });
});
