import { describe, expect, it } from 'vitest';
import { db } from '../../src/db';
import { createApp } from '../../src/web/app';
import { useTestEnvironment } from '../helpers/env';
import { signInAs } from '../helpers/factories';
import { commitFiles } from '../helpers/gitServer';
import { useSyncHarness } from '../helpers/sync';

// A record's page shows what the fabric's defaults fill in beside the spec git holds, which is
// stored unchanged: a VPCAttachment's subnet, a VLAN range's end, a subnet's gateway.

await useTestEnvironment();
const app = createApp();
const h = await useSyncHarness(app);
const DIR = 'f/';

const DOCS = `apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-1
spec:
  subnets:
    default:
      subnet: 10.0.1.0/24
      vlan: 1001
---
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPCAttachment
metadata:
  name: vpc-1--server-1
spec:
  subnet: vpc-1
  connection: server-1--unbundled--leaf-1
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: VLANNamespace
metadata:
  name: default
spec:
  ranges:
    - from: 1000
    - from: 2000
      to: 2999
`;

describe('defaults applied by the fabric on a record page', async () => {
  const viewer = await signInAs(app, 'viewer');
  const repo = await h.repository();
  await commitFiles(repo.bare, { [`${DIR}docs.yaml`]: DOCS }, 'docs');
  const fabric = await h.fabric(repo.id, DIR);
  await h.sync(fabric.id);
  const record = (kind: string) => db().crdRecord.findFirstOrThrow({ where: { fabricId: fabric.id, kind } });
  const panel = (html: string) => {
    const start = html.indexOf('data-panel="defaults"');
    return start < 0 ? '' : html.slice(start, html.indexOf('</div>\n    </div>', start));
  };

  it('lists each field the defaults fill in, the value the fabric uses and what git says; the spec stays as git says', async () => {
    const att = await record('VPCAttachment');
    expect(att.spec).toEqual({ subnet: 'vpc-1', connection: 'server-1--unbundled--leaf-1' });
    const page = await viewer.agent.get(`/crds/vpcattachments/${att.id}`);
    expect(page.status).toBe(200);
    const defaults = panel(page.text);
    expect(defaults).toContain('Defaults applied by the fabric');
    expect(defaults).toContain(
      '<tr><td><code>spec.subnet</code></td><td><code class="text-break-all">vpc-1/default</code></td><td><code class="text-break-all">vpc-1</code></td></tr>',
    );
    // The YAML is what git says.
    expect(page.text).toMatch(/<span class="yaml-key">subnet<\/span>: <span[^>]*>vpc-1<\/span>\n/);

    const vlans = await viewer.agent.get(`/crds/vlannamespaces/${(await record('VLANNamespace')).id}`);
    expect(panel(vlans.text)).toContain(
      '<tr><td><code>spec.ranges[0].to</code></td><td><code class="text-break-all">1000</code></td><td><span class="text-secondary">absent</span></td></tr>',
    );
    const vpc = await viewer.agent.get(`/crds/vpcs/${(await record('VPC')).id}`);
    expect(panel(vpc.text)).toContain(
      '<td><code>spec.subnets.default.gateway</code></td><td><code class="text-break-all">10.0.1.1</code></td>',
    );
  });

  it('gives them in the API’s record too', async () => {
    const att = await record('VPCAttachment');
    const res = await h.api.get(`/crds/${att.id}`);
    expect(res.body.spec.subnet).toBe('vpc-1');
    expect(res.body.appliedDefaults).toEqual([{ path: 'spec.subnet', value: 'vpc-1/default', stored: 'vpc-1' }]);
  });
});
