import { Router, type Response } from 'express';
import { CHANGE_ACTION } from '../../choices';
import { db } from '../../db';
import { NotFound } from '../../errors';
import { changeCommit } from '../../records/listChanges';
import { highlightYaml } from '../highlightYaml';
import { diffLines, prettyYaml } from '../lineDiff';
import { buildListView, listRows, parseListQuery } from '../listView';
import { changeListSpec, loadChanges, objectHref } from '../lists/changeList';
import { can } from '../middleware/auth';
import { IdParams, authed, validate, type Req } from '../validate';

/** The change log's pages: the list with its filters, and one change with its diff and commit. */
export const pages = Router();

async function choices() {
  const [fabrics, users] = await Promise.all([
    db().fabric.findMany({ orderBy: { name: 'asc' }, select: { id: true, name: true } }),
    db().user.findMany({ orderBy: { username: 'asc' }, select: { id: true, username: true } }),
  ]);
  return {
    fabrics: fabrics.map((f) => ({ value: String(f.id), label: f.name })),
    users: users.map((u) => ({ value: String(u.id), label: u.username })),
  };
}

const One = { params: IdParams };

pages.get('/', can('view', 'change'), authed(changesPage));
pages.get('/:id', can('view', 'change'), validate(One), authed(changePage));

async function changesPage(req: Req, res: Response) {
  const { fabrics, users } = await choices();
  const spec = changeListSpec(fabrics, users);
  const query = parseListQuery(spec, req.query);
  const { items, total } = await loadChanges(spec, query);
  const list = buildListView({
    spec,
    query,
    total,
    path: '/changes',
    user: req.user,
    chipLabels: query.filters.syncRun ? { syncRun: `#${query.filters.syncRun.replace(/^#/, '')}` } : {},
  });
  res.render('changes/list.njk', {
    list,
    rows: listRows(spec, items),
  });
}

async function changePage(req: Req<typeof One>, res: Response) {
  const change = await db().changeRecord.findUnique({ where: { id: req.params.id } });
  if (!change) throw new NotFound(`change ${req.params.id}`);
  const run = change.syncRunId
    ? await db().syncRun.findUnique({
        where: { id: change.syncRunId },
        select: {
          commitSha: true,
          commitAuthor: true,
          commitMessage: true,
          fabric: { select: { repository: { select: { url: true } } } },
        },
      })
    : null;
  const commit = changeCommit({ ...change, syncRun: run });
  const fabric = change.fabricId
    ? await db().fabric.findUnique({ where: { id: change.fabricId }, select: { id: true, name: true } })
    : null;
  // Snapshots were redacted when they were written; they are shown as stored.
  const diff = diffLines(prettyYaml(change.before), prettyYaml(change.after)).map((l) => ({
    ...l,
    html: highlightYaml(l.text),
  }));
  res.render('changes/detail.njk', {
    change,
    fabric,
    diff,
    commit,
    action: CHANGE_ACTION[change.action],
    objectHref: objectHref(change),
  });
}
