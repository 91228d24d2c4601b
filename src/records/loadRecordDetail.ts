// Everything the record page shows, in a handful of indexed queries: the record, its outgoing
// references resolved by (fabric, kind, name), the records pointing at it (GIN index on refs),
// and its change history. Nothing here scans the fabric. The page is among the most visited,
// so its reads skip Prisma's engine (queryRows).
import { isRefs, kindByName, type KindDef, type Panel, type PanelValue, type RecordRef, type Spec } from '../crds';
import { Prisma, queryRows, type ChangeAction, type CrdRecord } from '../db';
import { appliedDefaults } from './appliedDefaults';
import { fieldChanges } from './fieldChanges';
import { resolveRefs, type RefScope, type ResolvedRef } from './resolveRefs';
import { commitUrl, sourceFileUrl } from './sourceLink';

// A Switch with more connections than this is not a real fabric; the page says how many more.
const MAX_REFERENCES_IN = 500;
const MAX_HISTORY = 50;

export interface ReferenceOut {
  kind: string;
  name: string;
  field: string;
  subnet?: string;
  defaulted: boolean;
  /** The record it names, resolved like every name the page shows. */
  target: ResolvedRef;
}

/** A panel's value as the page shows it: names of other records resolved. */
export type ShownValue = Exclude<PanelValue, RecordRef[]> | ResolvedRef[];

export interface ReferenceIn {
  id: number;
  kind: string;
  slug: string;
  name: string;
  fields: string[];
}

type RecordWithFabric = CrdRecord & {
  fabric: { id: number; name: string; repository: { id: number; name: string; url: string } };
};

export interface HistoryEntry {
  id: number;
  time: Date;
  actorLabel: string;
  action: ChangeAction;
  /** The fields an update changed (dotted paths). */
  fields: string[];
  /** The commit a sync applied the change from; null for edits by people. */
  commit: { sha: string; author: string | null; message: string | null; url: string | null } | null;
}

interface HistoryRow {
  id: number;
  time: Date;
  actorLabel: string;
  action: ChangeAction;
  before: unknown;
  after: unknown;
  commitSha: string | null;
  commitAuthor: string | null;
  commitMessage: string | null;
  total: number;
}

async function referencesIn(
  record: RecordWithFabric,
): Promise<{ items: (ReferenceIn & { spec: Spec })[]; total: number }> {
  const ref = `${record.kind}/${record.name}`;
  const rows = await queryRows<{ id: number; kind: string; name: string; spec: Spec }>(Prisma.sql`
    SELECT id, kind, name, spec FROM "CrdRecord"
    WHERE "fabricId" = ${record.fabricId} AND refs @> ARRAY[${ref}]::text[] AND namespace = ${record.namespace}
    ORDER BY kind, name LIMIT ${MAX_REFERENCES_IN + 1}`);
  const total =
    rows.length > MAX_REFERENCES_IN
      ? (
          await queryRows<{ n: number }>(
            Prisma.sql`SELECT count(*)::int AS n FROM "CrdRecord" WHERE "fabricId" = ${record.fabricId} AND refs @> ARRAY[${ref}]::text[]`,
          )
        )[0]!.n
      : rows.length;
  const items = rows.slice(0, MAX_REFERENCES_IN).flatMap((r) => {
    const k = kindByName(r.kind);
    if (!k) return [];
    const fields = [
      ...new Set(
        k
          .references(r.spec)
          .filter((x) => x.kind === record.kind && x.name === record.name)
          .map((x) => x.field),
      ),
    ];
    return [{ id: r.id, kind: r.kind, slug: k.slug, name: r.name, fields, spec: r.spec }];
  });
  return { items, total };
}

/** The record of this kind with everything its page shows, or null when there is none. */
export async function loadRecordDetail(kind: KindDef, id: number) {
  const [record] = await queryRows<RecordWithFabric>(Prisma.sql`
    SELECT r.*, r."validationState"::text AS "validationState",
      json_build_object('id', f.id, 'name', f.name, 'repository', json_build_object('id', g.id, 'name', g.name, 'url', g.url)) AS fabric
    FROM "CrdRecord" r JOIN "Fabric" f ON f.id = r."fabricId" JOIN "GitRepository" g ON g.id = f."repositoryId"
    WHERE r.id = ${id} AND r.kind = ${kind.kind}`);
  if (!record) return null;
  const spec = record.spec as Spec;
  const [incoming, history] = await Promise.all([
    referencesIn(record),
    queryRows<HistoryRow>(Prisma.sql`
      SELECT c.id, c.time, c."actorLabel", c.action::text AS action, c.before, c.after,
        s."commitSha", s."commitAuthor", s."commitMessage", count(*) OVER ()::int AS total
      FROM "ChangeRecord" c LEFT JOIN "SyncRun" s ON s.id = c."syncRunId"
      WHERE c."objectType" = ${kind.kind} AND c."objectId" = ${record.id} ORDER BY c.id DESC LIMIT ${MAX_HISTORY}`),
  ]);
  const panels: Panel[] = kind.panels?.(spec) ?? [];
  const references = kind.references(spec);
  const portConnections = kind.portConnections?.(record.name, incoming.items) ?? null;
  // Every name the page shows, resolved at once: the references, the panels' and the ports' other ends.
  const scope: RefScope = { fabricId: record.fabricId, fabricName: record.fabric.name, namespace: record.namespace };
  const shown: RecordRef[] = [
    ...references,
    ...panels.flatMap((p) => p.rows.flatMap((row) => Object.values(row).filter(isRefs).flat())),
    ...(portConnections?.flatMap((p) => p.otherEnds) ?? []),
  ];
  const resolved = await resolveRefs([{ scope, refs: shown }]);
  const resolve = (refs: RecordRef[]) => refs.map((r) => resolved(scope, r));
  const repository = record.fabric.repository;
  return {
    record,
    spec,
    /** What the fabric's defaults fill in beside the stored spec; null for a kind without defaults. */
    appliedDefaults: kind.defaults ? appliedDefaults(kind, spec) : null,
    labels: Object.entries((record.labels ?? {}) as Record<string, string>),
    annotations: Object.entries((record.annotations ?? {}) as Record<string, string>),
    messages: (record.validationMessages ?? []) as { line?: number; message: string }[],
    panels: panels.map((p) => ({
      ...p,
      rows: p.rows.map((row) =>
        Object.fromEntries(Object.entries(row).map(([k, v]): [string, ShownValue] => [k, isRefs(v) ? resolve(v) : v])),
      ),
    })),
    referencesOut: references.map((r): ReferenceOut => ({
      kind: r.kind,
      name: r.name,
      field: r.field,
      subnet: r.subnet,
      defaulted: !!r.defaulted,
      target: resolved(scope, r),
    })),
    referencesIn: incoming.items.map(({ spec: _spec, ...r }) => r),
    referencesInTotal: incoming.total,
    portConnections: portConnections?.map((p) => ({ ...p, otherEnds: resolve(p.otherEnds) })) ?? null,
    history: history.map((h): HistoryEntry => ({
      id: h.id,
      time: h.time,
      actorLabel: h.actorLabel,
      action: h.action,
      fields: h.action === 'update' ? fieldChanges(h.before, h.after).map((f) => f.path) : [],
      commit: h.commitSha
        ? {
            sha: h.commitSha,
            author: h.commitAuthor,
            message: h.commitMessage,
            url: commitUrl({ repositoryUrl: repository.url, commit: h.commitSha }),
          }
        : null,
    })),
    historyTotal: history[0]?.total ?? 0,
    source: {
      repository,
      path: record.sourcePath,
      line: record.sourceLine,
      commit: record.sourceCommit,
      href: sourceFileUrl({
        repositoryUrl: repository.url,
        commit: record.sourceCommit,
        path: record.sourcePath,
        line: record.sourceLine,
      }),
    },
  };
}

export type RecordDetail = NonNullable<Awaited<ReturnType<typeof loadRecordDetail>>>;
