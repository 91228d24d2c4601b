import type { Response } from 'express';
import { FieldConflict, HttpError, ValidationError } from '../errors';
import { sentForm } from './validate';

/** What a form is shown again with: the values as sent (secrets never echoed), a message per field, the status. */
export interface FormAgain {
  values: Record<string, unknown>;
  errors: Record<string, string>;
  status: number;
}

/** The messages of a refused save, per field (`_` for the form as a whole), or undefined for any other error. */
function formErrors(err: unknown): { errors: Record<string, string>; status: number } | undefined {
  if (err instanceof ValidationError) return { errors: err.fields, status: 400 };
  if (err instanceof FieldConflict) return { errors: { [err.field]: err.message }, status: 409 };
  if (err instanceof HttpError && err.status === 409) return { errors: { _: err.message }, status: 409 };
  return undefined;
}

/**
 * The handler of a form's route (`validate({ body, form: true })`): `save` runs when the body is
 * valid (and redirects); an invalid body, or a save refused on a field (400, 409), shows the form
 * again through `render`, with the messages beside the fields and the values as they were sent.
 * Named after `save`, which is what the route does.
 */
export function form<R extends object>(
  save: (req: R, res: Response) => Promise<unknown>,
  render: (req: R, res: Response, again: FormAgain) => Promise<unknown> | unknown,
): (req: R, res: Response) => Promise<void> {
  const handler = async (req: R, res: Response) => {
    const sent = sentForm(req);
    if (!sent) throw new Error(`${save.name}: form() needs validate({ body, form: true }) on its route`);
    const values = { ...sent.body, secret: '', sshKey: '', password: '' };
    let refused = sent.invalid && formErrors(sent.invalid);
    if (!refused) {
      try {
        await save(req, res);
        return;
      } catch (err) {
        refused = formErrors(err);
        if (!refused) throw err;
      }
    }
    await render(req, res, { values, ...refused });
  };
  return Object.defineProperty(handler, 'name', { value: save.name });
}
