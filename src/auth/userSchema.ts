// What the user forms accept: an account, its changes and passwords typed twice.
import { z } from 'zod';

const role = z.enum(['admin', 'operator', 'viewer'], { error: 'choose admin, operator or viewer' });
const username = z
  .string()
  .trim()
  .regex(/^[\w.@+-]{1,150}$/, 'letters, digits and @ . + - _ only (at most 150)');
const password = z.string().min(12, 'at least 12 characters').max(1024);
const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean());
const sameTwice = { path: ['confirm'], error: 'the two passwords differ' };

export const NewUserInput = z.object({ username, password, role });
export const EditUserInput = z.object({ username: username.optional(), role, disabled: checkbox });
/** An admin sets someone's password, typed twice. */
export const ResetPasswordInput = z
  .object({ password, confirm: z.string() })
  .refine((v) => v.password === v.confirm, sameTwice);
/** A user changes their own password: the current one, and the new one typed twice. */
export const ChangePasswordInput = z
  .object({ current: z.string().min(1, 'required'), password, confirm: z.string() })
  .refine((v) => v.password === v.confirm, sameTwice);
