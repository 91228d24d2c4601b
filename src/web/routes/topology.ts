import { createHash } from 'node:crypto';
import { Router, type Response } from 'express';
import { loadFabric } from '../../fabrics/loadFabric';
import { EXPORT_TYPES, type ExportFormat } from '../../topology/exports';
import { loadTopology, topologyText, type FabricTopology } from '../../topology/loadTopology';
import { downloadName } from '../exportList';
import { can } from '../middleware/auth';
import { topologyPicture, viewQuery } from '../topologyPage';
import { TopologyQuery, type TopologyView } from '../topologyQuery';
import { IdParams, authed, validate, type Req } from '../validate';

/** A fabric's topology: the page (SVG) and the API (graph or export). */
export const api = Router();
export const pages = Router();

const Topology = {
  params: IdParams,
  query: TopologyQuery,
  summary: 'The fabric drawn from its wiring: {nodes, links, groups}, or an export',
  returns: '{nodes, links, groups}; text in the format asked for',
};

api.get('/:id/topology', can('view', 'fabric'), validate(Topology), authed(fabricTopology));
pages.get('/:id/topology', can('view', 'fabric'), validate(Topology), authed(topologyPage));

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

async function topologyRequest(req: Req<typeof Topology>) {
  const { id, name } = await loadFabric(req.params.id);
  return { query: req.query, fabric: { id, name }, data: await loadTopology(id) };
}

async function fabricTopology(req: Req<typeof Topology>, res: Response) {
  const { query, fabric, data } = await topologyRequest(req);
  if (query.format && query.format !== 'json') return sendExport(res, fabric, data, query.format);
  setEtag(res, data.version, 'json');
  res.type('json').send(topologyText(data, 'json'));
}

async function topologyPage(req: Req<typeof Topology>, res: Response) {
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
}
