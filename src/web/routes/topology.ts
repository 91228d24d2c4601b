import { createHash } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { db } from '../../db';
import { EXPORT_TYPES, type ExportFormat } from '../../topology/exports';
import { loadTopology, topologyText, type FabricTopology } from '../../topology/loadTopology';
import { NotFound } from '../../errors';
import { downloadName } from '../exportList';
import { can } from '../middleware/auth';
import { topologyPicture, viewQuery } from '../topologyPage';
import { TopologyQuery, type TopologyView } from '../topologyQuery';
import { parseInput } from '../validate';

export const api = Router();
export const pages = Router();

async function loadFabric(id: unknown) {
  const fabric = await db().fabric.findUnique({ where: { id: Number(id) || 0 }, select: { id: true, name: true } });
  if (!fabric) throw new NotFound('fabric');
  return fabric;
}

// Express would hash every response body for its ETag: megabytes per request for a large
// fabric. The tag is made from what the body is made of instead (a 304 when it still holds).
function setEtag(res: Response, ...parts: unknown[]) {
  res.setHeader('ETag', `W/"${createHash('sha1').update(JSON.stringify(parts)).digest('base64url')}"`);
}

function sendExport(res: Response, fabric: { name: string }, data: FabricTopology, format: ExportFormat) {
  const { contentType, extension } = EXPORT_TYPES[format];
  res.setHeader('Content-Type', contentType);
  res.setHeader(
    'Content-Disposition',
    `attachment; filename="${downloadName([fabric.name, 'topology'], 'json').replace(/json$/, extension)}"`,
  );
  setEtag(res, data.version, format);
  res.send(topologyText(data, format));
}

async function topologyRequest(req: Request) {
  const query = parseInput(TopologyQuery, req.query);
  const fabric = await loadFabric(req.params.id);
  return { query, fabric, data: await loadTopology(fabric.id) };
}

api.get('/:id/topology', can('view', 'fabric'), async (req, res) => {
  const { query, fabric, data } = await topologyRequest(req);
  if (query.format && query.format !== 'json') return sendExport(res, fabric, data, query.format);
  setEtag(res, data.version, 'json');
  res.type('json').send(topologyText(data, 'json'));
});

pages.get('/:id/topology', can('view', 'fabric'), async (req, res) => {
  const { query, fabric, data } = await topologyRequest(req);
  if (query.format && query.format !== 'json') return sendExport(res, fabric, data, query.format);
  const view: TopologyView = {
    expand: query.expand,
    vpc: query.vpc || null,
    q: query.q?.trim() || null,
    validation: query.validation === 'on',
  };
  const picture = topologyPicture(fabric, data, view);
  // The page also holds the user's menu, CSRF token and flash messages.
  setEtag(res, data.version, view, req.user?.id, req.user?.role, req.sessionID, res.locals.flashes);
  res.render('fabrics/topology.njk', {
    fabric,
    view,
    picture,
    vpcs: data.vpcs,
    counts: data.counts,
    missing: data.missing,
    query: (expand: string[]) => viewQuery(view, expand),
  });
});
