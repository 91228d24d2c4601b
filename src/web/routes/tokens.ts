import { Router, type Response } from 'express';
import { canWrite } from '../../auth/permissions';
import {
  ProvisionInput,
  TokenInput,
  issueToken,
  loadOwnToken,
  ownTokens,
  presentToken,
  provisionToken,
  revokeToken,
} from '../../auth/manageTokens';
import { form, type FormAgain } from '../forms';
import { can, open, signedIn } from '../middleware/auth';
import { flash } from '../middleware/flash';
import { IdParams, anyone, authed, validate, type AnyReq, type Req } from '../validate';

/** The signed-in user's own tokens (/admin/tokens). */
export const pages = Router();
export const api = Router();

const One = { params: IdParams };
const NewToken = { body: TokenInput, form: true };
const Me = { summary: 'The caller: username, role and the token in use', returns: '{id, username, role, token}' };
const List = { summary: "The caller's own tokens (never the token itself)", returns: '{items}' };
const Provision = {
  body: ProvisionInput,
  summary: 'Trade a username and password for a token',
  status: 201,
  returns: 'the new token (shown once, in this response only) and its user',
  responses: {
    401: 'wrong username or password, or the account is disabled',
    429: 'too many failed attempts from this address or for this username; Retry-After says when to try again',
  },
};
const Revoke = { params: IdParams, summary: 'Revoke one of your own tokens', status: 204 };

pages.get('/', can('view', 'token'), authed(tokensPage));
pages.post('/', can('add', 'token'), validate(NewToken), authed(form(createToken, tokensPage)));
pages.get('/:id/delete', can('delete', 'token'), validate(One), authed(confirmRevokeToken));
pages.post('/:id/delete', can('delete', 'token'), validate(One), authed(revokeTokenFromPage));

api.get('/me', signedIn, validate(Me), authed(showCaller));
api.get('/tokens', can('view', 'token'), validate(List), authed(listTokens));
api.post('/tokens/provision', open, validate(Provision), anyone(provision));
api.delete('/tokens/:id', can('delete', 'token'), validate(Revoke), authed(removeToken));

async function tokensPage(req: Req, res: Response, again?: FormAgain, created?: { token: string; name: string }) {
  res.status(again?.status ?? 200).render('tokens/list.njk', {
    tokens: await ownTokens(req.user.id),
    created,
    values: again?.values ?? (created ? {} : { writeEnabled: false }),
    errors: again?.errors ?? {},
    canWrite: canWrite(req.user.role),
  });
}

async function createToken(req: Req<typeof NewToken>, res: Response) {
  const { token, record } = await issueToken(req.user, req.body);
  // Shown once, in this response only: it is not stored and cannot be shown again.
  res.setHeader('Cache-Control', 'no-store');
  await tokensPage(req, res, undefined, { token, name: record.name });
}

async function confirmRevokeToken(req: Req<typeof One>, res: Response) {
  const token = await loadOwnToken(req.user, req.params.id);
  res.render('confirm.njk', {
    title: `Revoke token ${token.name}?`,
    message: `Programs using the token ${token.prefix}… lose access at once. This cannot be undone.`,
    action: `/admin/tokens/${token.id}/delete`,
    button: 'Revoke token',
    cancel: '/admin/tokens',
  });
}

async function revokeTokenFromPage(req: Req<typeof One>, res: Response) {
  await revokeToken(req.user, req.params.id);
  flash(req, 'success', 'Token revoked.');
  res.redirect('/admin/tokens');
}

function showCaller(req: Req, res: Response) {
  const { id, username, role } = req.user;
  res.json({ id, username, role, token: req.token ? presentToken(req.token) : null });
}

async function listTokens(req: Req, res: Response) {
  res.json({ items: (await ownTokens(req.user.id)).map(presentToken) });
}

async function provision(req: AnyReq<typeof Provision>, res: Response) {
  const { user, token, record } = await provisionToken(req.ip ?? '', req.body);
  res.setHeader('Cache-Control', 'no-store');
  res
    .status(201)
    .json({ ...presentToken(record), token, user: { id: user.id, username: user.username, role: user.role } });
}

async function removeToken(req: Req<typeof Revoke>, res: Response) {
  await revokeToken(req.user, req.params.id);
  res.status(204).end();
}
