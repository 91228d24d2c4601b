// A fabric written from the fabric's rules (test/fixtures/fabric-rules/), synced through the REST
// API: every document's outcome (applied, applied with a warning, invalid, skipped) must be the
// one its `# expect:` comment states, and the totals and per-kind counts those of expected.json.
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/web/app';
import { useTestEnvironment } from '../helpers/env';
import { commitDirectory } from '../helpers/gitServer';
import { useSyncHarness } from '../helpers/sync';

const DIR = resolve(import.meta.dirname, '../fixtures/fabric-rules');
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as {
  documents: number;
  applied: number;
  warning: number;
  invalid: number;
  skipped: number;
  records: Record<string, number>;
  warned: Record<string, number>;
};

type Outcome = 'applied' | 'warning' | 'invalid' | 'skipped';
interface Doc {
  path: string;
  from: number;
  to: number;
  expect: Outcome;
  kind: string;
  name: string;
  why: string;
}

/** The documents of the fixture files with their line ranges and their `# expect:` comments. */
function annotatedDocuments(): Doc[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((file) => {
      const lines = readFileSync(join(DIR, file), 'utf8').split('\n');
      const docs: Doc[] = [];
      let start = 1;
      const close = (end: number) => {
        const body = lines.slice(start - 1, end);
        const mark = body.map((l) => /^# expect: (applied|warning|invalid|skipped)\b(.*)$/.exec(l)).find(Boolean);
        if (mark)
          docs.push({
            path: `fabric-rules/${file}`,
            from: start,
            to: end,
            expect: mark[1] as Outcome,
            kind: /^kind: (\S+)/m.exec(body.join('\n'))?.[1] ?? '?',
            name: /^ {2}name: (\S+)/m.exec(body.join('\n'))?.[1] ?? '?',
            why: mark[2]!.replace(/^ — /, ''),
          });
      };
      lines.forEach((line, i) => {
        if (/^---\s*$/.test(line)) {
          close(i);
          start = i + 2;
        }
      });
      close(lines.length);
      return docs;
    });
}

await useTestEnvironment();
const app = createApp();
const h = await useSyncHarness(app);
const repo = await h.repository('fabric-rules');
await commitDirectory(repo.bare, DIR, 'fabric-rules', 'a fabric written from the fabric rules');

describe("a fabric written from the fabric's rules, synced through the REST API", () => {
  const docs = annotatedDocuments();

  it('the annotations add up to expected.json', () => {
    const count = (o: Outcome) => docs.filter((d) => d.expect === o).length;
    expect({
      documents: docs.length,
      applied: count('applied'),
      warning: count('warning'),
      invalid: count('invalid'),
      skipped: count('skipped'),
    }).toEqual({
      documents: expected.documents,
      applied: expected.applied,
      warning: expected.warning,
      invalid: expected.invalid,
      skipped: expected.skipped,
    });
    const perKind = (outcomes: Outcome[]) =>
      docs
        .filter((d) => outcomes.includes(d.expect))
        .reduce<Record<string, number>>((m, d) => ({ ...m, [d.kind]: (m[d.kind] ?? 0) + 1 }), {});
    expect(perKind(['applied', 'warning'])).toEqual(expected.records);
    expect(perKind(['warning'])).toEqual(expected.warned);
  });

  it('gives each document the outcome its comment states, and the counts of expected.json', async () => {
    const fabric = await h.fabric(repo.id, 'fabric-rules/');
    const run = await h.sync(fabric.id);
    expect(run.status).toBe('partial');
    expect(run.counts).toMatchObject({
      documents: expected.documents,
      created: expected.applied + expected.warning,
      invalid: expected.invalid,
      skipped: expected.skipped,
    });

    const page = await h.api.get(`/crds?fabric=${fabric.id}&perPage=1000`);
    expect(page.status).toBe(200);
    const records = page.body.items as {
      id: number;
      kind: string;
      name: string;
      source: { path: string; line: number };
      validation: { state: string; messages: { message: string }[] };
    }[];
    const files = (await h.api.get(`/sync-runs/${run.id}`)).body.files as {
      path: string;
      errors: { line: number; message: string }[];
      skipped: { line: number; kind: string }[];
    }[];

    const outcomes = docs.map((d) => {
      const inside = (line: number) => line >= d.from && line <= d.to;
      const record = records.find((r) => r.source.path === d.path && inside(r.source.line));
      const file = files.find((f) => f.path === d.path);
      const errors = file?.errors.filter((e) => inside(e.line)) ?? [];
      const actual: Outcome | 'missing' = record
        ? record.validation.state === 'warning'
          ? 'warning'
          : 'applied'
        : errors.length > 0
          ? 'invalid'
          : file?.skipped.some((s) => inside(s.line))
            ? 'skipped'
            : 'missing';
      return {
        doc: `${d.path}:${d.from} ${d.kind} ${d.name} (${d.why || d.expect})`,
        expected: d.expect,
        actual,
        record,
        errors,
      };
    });
    expect(outcomes.filter((o) => o.actual !== o.expected).map((o) => `${o.doc}: ${o.actual}`)).toEqual([]);

    // Every error and warning says where (the field) and what was wrong.
    for (const o of outcomes) {
      for (const e of o.errors) expect(e.message).toMatch(/^[A-Z]\w+ \S+.*: \S/);
      for (const m of o.record?.validation.messages ?? []) expect(m.message).toMatch(/^(spec|metadata)[^:]*: \S/);
    }

    // #6/#7: a VLANNamespace with a broken range is stored as git says it, warned about, and the
    // ranges the fabric's Default() dropped show as dropped; a VPC in it finds no VLAN there.
    const bOrder = records.find((r) => r.kind === 'VLANNamespace' && r.name === 'b-order')!;
    expect(bOrder.validation.messages.map((m) => m.message)).toEqual([
      expect.stringMatching(/^spec\.ranges\[1\]: from 2500 is above to 2400; expected from <= to; .*without ranges/),
    ]);
    const shown = (await h.api.get(`/crds/${bOrder.id}`)).body;
    expect(shown.spec.ranges).toEqual([{ from: 1500 }, { from: 2500, to: 2400 }]);
    expect(shown.appliedDefaults).toEqual([{ path: 'spec.ranges', value: null, stored: shown.spec.ranges }]);
    const dropNs = records.find((r) => r.kind === 'VPC' && r.name === 'vpc-dropns')!;
    expect(dropNs.validation.messages.map((m) => m.message)).toEqual([
      'spec.subnets.default.vlan: VLAN 1500 is outside VLANNamespace "b-order", which the fabric holds without ranges; expected a namespace whose ranges hold it',
    ]);

    // IPv6 where the fabric parses with netip/net: a VPC in an IPv6 namespace is applied with its
    // defaults computed as the fabric computes them; one in an IPv4-only namespace is warned.
    const v6 = records.find((r) => r.kind === 'VPC' && r.name === 'vpc-v6')!;
    expect((await h.api.get(`/crds/${v6.id}`)).body.appliedDefaults).toEqual(
      expect.arrayContaining([
        { path: 'spec.subnets.default.gateway', value: '2001:db8::1', stored: null },
        {
          path: 'spec.subnets.default.dhcp.range',
          value: { start: '2001:db8::2', end: '2001:dbb:ffff:ffff:ffff:ffff:ffff:ffff' },
          stored: null,
        },
      ]),
    );
    const v6out = records.find((r) => r.kind === 'VPC' && r.name === 'vpc-v6-out')!;
    expect(v6out.validation.messages.map((m) => m.message)).toEqual([
      'spec.subnets.default.subnet: 3fff::/30 is not inside any subnet of IPv4Namespace "default", which has no IPv6 subnet; expected one that holds it',
    ]);

    const f = (await h.api.get(`/fabrics/${fabric.id}`)).body;
    expect(f.countsByKind).toEqual(expected.records);
    expect(f.cachedCrdCount).toBe(expected.applied + expected.warning);
  });
});
