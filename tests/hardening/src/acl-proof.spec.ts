import { runAclProof, type AclProofReport } from './acl-proof';
import { spawnStandalone, type EmbeddedStandalone } from './support/embedded-standalone';
import { BOOTSTRAP_ADMIN } from './support/mqtt-clients';

jest.setTimeout(90_000);

// Hardening item 3 on the embedded default: the generated ACL matrix (see acl-proof.ts) against
// the built standalone with its bootstrap admin.
describe(runAclProof.name, () => {
  let app: EmbeddedStandalone;
  let report: AclProofReport;

  beforeAll(async () => {
    app = await spawnStandalone();
    report = await runAclProof({ mqttUrls: [app.mqttUrl], admin: { ...BOOTSTRAP_ADMIN } });
  });

  afterAll(async () => {
    await app?.stop();
  });

  describe('when every principal listens with broad filters and request-made subscriptions', () => {
    it('ran the whole matrix with traffic every principal could and could not see', () => {
      expect(report.size).toMatchObject({ principals: 11, connections: 22, devices: 4 });
      expect(report.size.events).toBeGreaterThan(60);
      expect(report.verdict.tallies.some((t) => t.required > 0 && t.delivered > 0)).toBe(true);
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
});
