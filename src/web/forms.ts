import type { Request } from 'express';
import { FieldConflict, HttpError, ValidationError } from '../errors';

/**
 * Runs a form submission: on a field error the form is rendered again with the messages beside
 * the fields and the values kept (secrets never echoed); otherwise `work` redirects.
 */
export async function handleForm(
  req: Pick<Request, 'body'>,
  work: () => Promise<void>,
  render: (values: Record<string, unknown>, errors: Record<string, string>, status: number) => Promise<void> | void,
): Promise<void> {
  try {
    await work();
  } catch (err) {
    const values = { ...(req.body as Record<string, unknown>), secret: '', sshKey: '', password: '' };
    if (err instanceof ValidationError) return render(values, err.fields, 400);
    if (err instanceof FieldConflict) return render(values, { [err.field]: err.message }, 409);
    if (err instanceof HttpError && err.status === 409) return render(values, { _: err.message }, 409);
    throw err;
  }
}
