import { describe, expect, it } from 'vitest';
import { db } from '../../src/db';
import { createApp } from '../../src/web/app';
import { useTestEnvironment } from '../helpers/env';
import { commitDirectory } from '../helpers/gitServer';
import { CORPUS, useSyncHarness } from '../helpers/sync';

await useTestEnvironment();
const app = createApp();
const h = await useSyncHarness(app);
const repo = await h.repository('corpus');
await commitDirectory(repo.bare, CORPUS, '', 'the whole corpus');

// Every directory of fixtures/corpus synced as its own fabric. The figures follow CRDS.md §3:
// documents = applied + skipped + invalid, always.
const CASES: { dir: string; status: string; counts: Record<string, number>; records: Record<string, number> }[] = [];

describe('the whole corpus, each directory a fabric', () => {
  it.each([
    'gitops-test-1/head/',
    'gitops-test-1/normalized-735af759/',
    'gitops-test-1/history/',
    'demo-gitops/master/env-1/',
    'demo-gitops/ema-test-demo/',
    'demo-gitops/history-e98516f-v1alpha2/',
    'docs/',
    'fabric-samples/',
    'fabricator/',
  ])('%s: every document lands in exactly one class, without a crash', async (dir) => {
    const fabric = await h.fabric(repo.id, dir);
    const run = await h.sync(fabric.id);
    expect(['succeeded', 'partial', 'failed']).toContain(run.status);
    const c = run.counts;
    const rows = await db().crdRecord.count({ where: { fabricId: fabric.id } });
    if (run.status !== 'failed') {
      expect(c.created + c.updated + c.unchanged + c.skipped + c.invalid).toBe(c.documents);
      expect(rows).toBe(c.created);
    }
    const f = (await h.api.get(`/fabrics/${fabric.id}`)).body;
    expect(f.cachedCrdCount).toBe(rows);
    CASES.push({ dir, status: run.status, counts: c, records: f.countsByKind });
  });

  it('gives the figures of CRDS.md §3', () => {
    const by = Object.fromEntries(CASES.map((c) => [c.dir, c]));
    // head: 53 documents (.hnp/ is a dot-directory); 21 carry the retired v1alpha2 and the two
    // managed copies of one VPC collide: 23 invalid; a ConfigMap and a GitOpsTest are skipped.
    expect(by['gitops-test-1/head/']).toMatchObject({
      status: 'partial',
      counts: { files: 53, documents: 53, created: 28, skipped: 2, invalid: 23 },
    });
    // normalized: 49 one-resource files; 48 records and the ConfigMap skipped.
    expect(by['gitops-test-1/normalized-735af759/']).toMatchObject({
      status: 'succeeded',
      counts: { files: 49, documents: 49, created: 48, skipped: 1, invalid: 0 },
      records: { Connection: 26, Server: 10, Switch: 7, SwitchGroup: 3, VPC: 2 },
    });
    // history: prepop.yaml (46) plus 9 versions of test-vpc that all share one name.
    expect(by['gitops-test-1/history/']).toMatchObject({ counts: { documents: 55, created: 46, invalid: 9 } });
    // demo-gitops env-1: multi-document files, a commented-out file with no document.
    expect(by['demo-gitops/master/env-1/']).toMatchObject({
      status: 'succeeded',
      counts: { files: 4, documents: 9, created: 9, invalid: 0 },
    });
    // ema/test-demo: env-1 and env-3 define the same VPCs and peering: each copy is an error.
    expect(by['demo-gitops/ema-test-demo/']).toMatchObject({
      counts: { documents: 16, created: 8, invalid: 8 },
      records: { VPCAttachment: 6, ExternalPeering: 2 },
    });
    // The 2024 v1alpha2 state: every document is refused with the version to use.
    expect(by['demo-gitops/history-e98516f-v1alpha2/']).toMatchObject({
      counts: { documents: 17, created: 0, invalid: 17 },
    });
    // docs: 96 documents; Gateway, GatewayPeering and fabricator kinds skipped; templates invalid.
    // Two more invalid than README.md's figures, refused by the fabric on the object alone:
    // External "default--5835" (FABRIC-RULES #89: a name of at most 11 characters) and the static
    // ExternalAttachment without spec.switch/spec.neighbor (#93: the CRD requires both). Two
    // copies of VPC vpc-1 are now refused on their own (#63 a bare relay address, #69 permit
    // names unknown subnets) instead of as duplicates: the same count.
    // The 21 gateway documents (Gateway 2, GatewayPeering 18, GatewayGroup 1) are of managed kinds
    // now, no longer skipped; the directory's Fabricator document (install-upgrade__config.block01)
    // leaves spec.config.gateway.enable unset, so the fabric refuses every one of them ("gateway
    // support is not enabled", PROFILES.md §5). Skipped: Fabricator, ControlNode, FabNode ×2.
    expect(by['docs/']).toMatchObject({ counts: { files: 70, documents: 96, created: 47, skipped: 4, invalid: 45 } });
    // 2023 samples (v1alpha2), CRD definitions and exported Agents: nothing applies, nothing crashes.
    // The two v1alpha2 ServerProfiles and two SwitchProfiles are of managed kinds now: a retired apiVersion (invalid), not skipped.
    expect(by['fabric-samples/']).toMatchObject({ counts: { documents: 125, created: 0, skipped: 65, invalid: 60 } });
    expect(by['fabricator/']).toMatchObject({ status: 'succeeded', counts: { files: 0, documents: 0 } });
  });

  it('names the version to use for a retired apiVersion, with file and line', async () => {
    const run = await db().syncRun.findFirstOrThrow({
      where: { fabric: { gitopsDirectory: 'demo-gitops/history-e98516f-v1alpha2/' } },
      omit: { files: false },
    });
    const errors = (run.files as { path: string; errors: { line: number; message: string }[] }[]).flatMap(
      (f) => f.errors,
    );
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]!.message).toMatch(/v1alpha2.*vpc\.githedgehog\.com\/v1beta1/);
    expect(errors.every((e) => e.line > 0)).toBe(true);
  });

  it('lists skipped documents with their kind and reason', async () => {
    const run = await db().syncRun.findFirstOrThrow({
      where: { fabric: { gitopsDirectory: 'gitops-test-1/normalized-735af759/' } },
      omit: { files: false },
    });
    const skipped = (run.files as { skipped: { kind: string; reason: string }[] }[]).flatMap((f) => f.skipped);
    expect(skipped).toEqual([expect.objectContaining({ kind: 'ConfigMap' })]);
  });
});
