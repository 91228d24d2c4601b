// NetBox habits (issue 12, deliverable 6): list search matches spec text (an IP, a VLAN, a MAC,
// a port) through a trigram index, and one search in the navigation finds every kind of record,
// fabrics, repositories and sync runs.
import { describe, expect, it } from 'vitest';
import { db, Prisma, queryRows } from '../../src/db';
import { recordListSql } from '../../src/records/listRecords';
import { createApp } from '../../src/web/app';
import { useTestEnvironment } from '../helpers/env';
import { buildFabric, buildRecord, buildSyncRun, signInAs, unique } from '../helpers/factories';

await useTestEnvironment();
const app = createApp();

/** The names of the records in a list page's table. */
function names(html: string): string[] {
  const table = /<table[^>]*data-list[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
  return [...table.matchAll(/<a href="\/crds\/[^"/]+\/\d+">([^<]+)<\/a>/g)].map((m) => m[1]!);
}

describe('search', async () => {
  const viewer = await signInAs(app, 'viewer');
  const fabric = await buildFabric({ name: unique('searchfab') });
  const vpc = await buildRecord({
    fabricId: fabric.id,
    kind: 'VPC',
    apiVersion: 'vpc.githedgehog.com/v1beta1',
    name: unique('tenant'),
    spec: { subnets: { default: { subnet: '10.177.42.0/24', vlan: 1777 } } },
  });
  const server = await buildRecord({
    fabricId: fabric.id,
    kind: 'Connection',
    apiVersion: 'wiring.githedgehog.com/v1beta1',
    name: unique('conn'),
    spec: { unbundled: { link: { server: { port: 'srv-01/enp2s1' }, switch: { port: 'leaf-77/E1/33' } } } },
  });
  const sw = await buildRecord({
    fabricId: fabric.id,
    kind: 'Switch',
    apiVersion: 'wiring.githedgehog.com/v1beta1',
    name: unique('leaf'),
    spec: { role: 'server-leaf', boot: { mac: '0c:20:12:fe:77:01' } },
  });

  it('finds records by spec text in the lists: an IP, a VLAN, a MAC, a port', async () => {
    expect(names((await viewer.agent.get('/crds/vpcs?q=10.177.42')).text)).toEqual([vpc.name]);
    expect(names((await viewer.agent.get('/crds/vpcs?q=1777')).text)).toEqual([vpc.name]);
    expect(names((await viewer.agent.get('/crds/switches?q=0c:20:12:fe:77')).text)).toEqual([sw.name]);
    expect(names((await viewer.agent.get('/crds/connections?q=leaf-77/E1/33')).text)).toEqual([server.name]);
    // On the fabric page.s table and through the API too.
    expect(names((await viewer.agent.get(`/fabrics/${fabric.id}?q=0c:20:12`)).text)).toEqual([sw.name]);
    const api = await viewer.agent.get('/api/v1/crds?q=enp2s1');
    expect(api.body.items.map((r: { name: string }) => r.name)).toEqual([server.name]);
  });

  it('has a trigram index on the spec text that the search uses', async () => {
    // The total a list page counts (every match: the statement the index is for) over every kind.
    // This table is small, so sequential scans are ruled out to see which index can answer; on
    // so few rows the planner reads a kind's rows or a page through other indexes as well:
    // bench:web prints the plans of both statements at 100,000 records.
    for (const query of [{ q: '10.177.42' }, { q: '0c:20:12:ff' }]) {
      const sql = recordListSql(query);
      for (const statement of [sql.count]) {
        const plan = await db().$transaction(async (tx) => {
          await tx.$executeRawUnsafe('SET LOCAL enable_seqscan = off');
          return tx.$queryRaw<{ 'QUERY PLAN': string }[]>(Prisma.sql`EXPLAIN ${statement}`);
        });
        expect(plan.map((p) => p['QUERY PLAN']).join('\n'), JSON.stringify(query)).toContain(
          'CrdRecord_spec_text_trgm_idx',
        );
      }
    }
    const [index] = await queryRows<{ def: string }>(
      Prisma.sql`SELECT indexdef AS def FROM pg_indexes WHERE indexname = 'CrdRecord_spec_text_trgm_idx'`,
    );
    expect(index!.def).toMatch(/USING gin \(\(\(spec\)::text\) gin_trgm_ops\)/);
  });

  it('searches everything from the navigation: records of every kind, fabrics, repositories, runs', async () => {
    const run = await buildSyncRun({
      fabricId: fabric.id,
      commitSha: 'abcdef1234'.padEnd(40, '0'),
      commitMessage: 'searchfab tweak',
    });
    const home = await viewer.agent.get('/');
    expect(home.text).toMatch(/<form class="global-search" method="get" action="\/search" role="search"/);
    const byIp = await viewer.agent.get('/search?q=10.177.42');
    expect(byIp.status).toBe(200);
    expect(byIp.text).toContain(`href="/crds/vpcs/${vpc.id}">${vpc.name}</a>`);
    expect(byIp.text).toContain('href="/crds/vpcs?q=10.177.42">VPCs 1</a>');
    const byFabric = await viewer.agent.get(`/search?q=${fabric.name.slice(0, 12)}`);
    expect(byFabric.text).toContain(`href="/fabrics/${fabric.id}">${fabric.name}</a>`);
    expect(byFabric.text).toContain(`href="/sync-runs/${run.id}">#${run.id}</a>`);
    const byRepo = await viewer.agent.get(
      `/search?q=${(await db().gitRepository.findUniqueOrThrow({ where: { id: fabric.repositoryId } })).name}`,
    );
    expect(byRepo.text).toContain(`href="/repositories/${fabric.repositoryId}"`);
    const bySha = await viewer.agent.get('/search?q=abcdef12');
    expect(bySha.text).toContain(`href="/sync-runs/${run.id}">#${run.id}</a>`);
    const none = await viewer.agent.get('/search?q=nothing-like-this-anywhere');
    expect(none.text).toContain('No record matches.');
    expect((await viewer.agent.get('/search')).status).toBe(200);
  });
});
