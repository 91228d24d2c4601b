// The pieces every route is made of (Ghost's route table, Outline's validate middleware):
//   router.get('/:id', can('view', 'fabric'), validate({ params: IdParams }), authed(showFabric))
// The guard comes first and declares the permission; `validate` parses the path, the query and
// the body with zod schemas (bounds included) and records them, so the OpenAPI document is read
// from the route table; `authed` gives the named handler a request whose `user` is set.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { User } from '../db';
import { HttpError, Unauthorized, ValidationError } from '../errors';

/** The largest id PostgreSQL's int4 holds: every id in a path or a filter is at most this. */
export const MAX_ID = 2_147_483_647;
/** Pages beyond this are refused (offsets stay far inside what the database takes). */
export const MAX_PAGE = 1_000_000;

const ID_MESSAGE = `expected a whole number from 1 to ${MAX_ID}`;

/** An id in a path or a query: a whole number that fits int4 (anything else never names a row). */
export const Id = z
  .string()
  .regex(/^\d{1,10}$/, ID_MESSAGE)
  .transform(Number)
  .pipe(z.number().int().min(1, ID_MESSAGE).max(MAX_ID, ID_MESSAGE))
  .meta({ type: 'integer', minimum: 1, maximum: MAX_ID });

/** An optional id from a query string or a form: empty means none. */
export const OptionalId = z.preprocess((v) => (v === '' ? undefined : v), Id.optional());

/** `/:id` */
export const IdParams = z.object({ id: Id });

/** Text from a query string: at most `max` characters, no control characters (PostgreSQL refuses NUL). */
export const QueryText = (max = 200) =>
  z
    .string()
    .max(max, `at most ${max} characters`)
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters');

/**
 * `?page=`: a number beyond MAX_PAGE is refused; nonsense (`x`, `-2`) means the first page, as
 * list pages have always read it.
 */
export const PageNumber = z
  .unknown()
  .optional()
  .transform((value, ctx) => {
    const n = Math.floor(Number(Array.isArray(value) ? value[0] : value));
    if (!Number.isFinite(n) || n < 1) return 1;
    if (n > MAX_PAGE) {
      ctx.addIssue({ code: 'custom', message: `expected a page number from 1 to ${MAX_PAGE}` });
      return z.NEVER;
    }
    return n;
  })
  .meta({ type: 'integer', minimum: 1, maximum: MAX_PAGE });

export interface Schemas {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
}

/** What `validate` records for the OpenAPI document besides the schemas. */
export interface RouteDoc {
  summary?: string;
  /** The success status (default 200; 201 for a creation, 202 for a queued job, 204 for a deletion). */
  status?: number;
  /** What the success response holds. */
  returns?: string;
  /**
   * The route's own answers besides its success and the errors every route shares, each with
   * what it means: `{ 409: 'a fabric with this name or directory exists' }`. A shared status
   * (400, 401, 404) given here is described with these words instead.
   */
  responses?: Record<number, string>;
  /** A body the handler reads itself, as bytes (a push webhook's signed JSON): what it holds. */
  rawBody?: string;
}

/** The route's input is a browser form: an invalid body is not thrown but shown again by `form()` (forms.ts). */
interface FormFlag {
  form?: boolean;
}

/** What a form sent and, when its body did not parse, why: read by `form()`. */
export interface SentForm {
  body: Record<string, unknown>;
  invalid?: ValidationError;
}
const sentForms = new WeakMap<Request, SentForm>();

/** The body a form route received, as sent (before parsing), and its problems; undefined on other routes. */
export function sentForm(req: object): SentForm | undefined {
  return sentForms.get(req as Request);
}

type Out<S, Fallback> = [S] extends [z.ZodType] ? z.output<S> : Fallback;

/** A request after `validate(S)` on a route that needs a signed-in user. */
export type Req<S extends Schemas = Schemas> = Omit<Request, 'params' | 'query' | 'body' | 'user'> & {
  params: Out<S['params'], Record<string, string>>;
  query: Out<S['query'], Record<string, unknown>>;
  body: Out<S['body'], unknown>;
  user: User;
};

export type ValidateHandler = RequestHandler & { schemas: Schemas; doc: RouteDoc };

/** The value at a path of the input, or undefined. */
function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let value = input;
  for (const key of path)
    value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

/**
 * One message per field. A field left empty is "required", whatever rule its value then broke
 * (a minimum, a character set): that is what the person filling the form needs to hear. Parse
 * with `reportInput` so that each issue carries the value its rule saw.
 */
function fieldsOf(error: z.ZodError, input: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.path.join('.') || '_';
    // The value the rule saw (after a form's preprocessing), else the one at its path as sent.
    const value = 'input' in issue ? issue.input : issue.path.length ? valueAt(input, issue.path) : input;
    const empty = value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
    fields[field] ??= empty && !/required/.test(issue.message) ? 'required' : issue.message;
  }
  return fields;
}

/** Parses input with a zod schema; problems become a ValidationError with one message per field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw new ValidationError(fieldsOf(result.error, input));
}

/**
 * Parses `req.params` (a bad one is a 404: it names nothing), `req.query` and `req.body` (a bad
 * one is a 400 naming the field) and puts the parsed values in their place. On a `form` route a
 * bad body is kept for `form()` to show the form again with the messages.
 */
export function validate(spec: Schemas & RouteDoc & FormFlag): ValidateHandler {
  const { params, query, body, form, ...doc } = spec;
  const schemas: Schemas = { params, query, body };
  const handler = (req: Request, _res: Response, next: NextFunction) => {
    if (schemas.params) {
      const result = schemas.params.safeParse(req.params, { reportInput: true });
      if (!result.success) {
        const [field, message] = Object.entries(fieldsOf(result.error, req.params))[0]!;
        throw new HttpError(404, 'not_found', `not found: the ${field} in the path is not valid (${message})`);
      }
      req.params = result.data as Record<string, string>;
    }
    if (schemas.query) {
      // Express 5 reads req.query through a getter; an own property replaces it for this request.
      Object.defineProperty(req, 'query', { value: parseInput(schemas.query, req.query), writable: true });
    }
    if (schemas.body && form) {
      const sent = (req.body ?? {}) as Record<string, unknown>;
      const result = schemas.body.safeParse(sent, { reportInput: true });
      sentForms.set(req, {
        body: sent,
        invalid: result.success ? undefined : new ValidationError(fieldsOf(result.error, sent)),
      });
      if (result.success) req.body = result.data;
    } else if (schemas.body) req.body = parseInput(schemas.body, req.body ?? {});
    next();
  };
  return Object.assign(handler, { schemas, doc });
}

/**
 * A named handler of a route behind `can()` or `signedIn`: its request's `user` is typed as set
 * (and checked, should the guard ever be missing).
 */
export function authed<S extends Schemas>(fn: (req: Req<S>, res: Response) => unknown): RequestHandler {
  const handler = async (req: Request, res: Response) => {
    if (!req.user) throw new Unauthorized();
    await fn(req as unknown as Req<S>, res);
  };
  return Object.defineProperty(handler, 'name', { value: fn.name });
}

/** A request after `validate(S)` on a route open to anyone (`open`, `signed`): no user is promised. */
export type AnyReq<S extends Schemas = Schemas> = Omit<Req<S>, 'user'> & { user?: User };

/** A named handler of a route open to anyone: its request holds the parsed input, typed. */
export function anyone<S extends Schemas>(fn: (req: AnyReq<S>, res: Response) => unknown): RequestHandler {
  const handler = async (req: Request, res: Response) => {
    await fn(req as unknown as AnyReq<S>, res);
  };
  return Object.defineProperty(handler, 'name', { value: fn.name });
}
