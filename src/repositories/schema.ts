import { z } from 'zod';
import { checkBranchName } from '../gitops/url';

export const AUTH_TYPES = ['none', 'token', 'basic', 'ssh_key'] as const;

const optionalText = (max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
    z.string().max(max).optional(),
  );

/**
 * A branch name (or, for a fabric, any revision: `what`), by git's ref rules: an empty form field
 * clears it (null), an absent one keeps it (undefined).
 */
export const refName = (what = 'branch name') =>
  z.preprocess(
    (v) => (v === '' ? null : v),
    z
      .string()
      .trim()
      .refine((b) => !checkBranchName(b), {
        error: (issue) => (checkBranchName(String(issue.input)) ?? `invalid ${what}`).replace(/^branch name/, what),
      })
      .nullable()
      .optional(),
  );

const fields = {
  name: z.string().trim().min(1, 'a name is required').max(100),
  url: z.string().trim().min(1, 'a URL is required').max(2000),
  authType: z.enum(AUTH_TYPES, { error: 'choose none, token, basic or ssh_key' }),
  username: optionalText(200),
  secret: z.preprocess((v) => (v === '' ? undefined : v), z.string().max(20_000).optional()),
  /** The passphrase of an SSH private key (write-only, like the secret). */
  passphrase: z.preprocess((v) => (v === '' ? undefined : v), z.string().max(1_000).optional()),
  /** PEM certificate(s) of a private CA that issued the https server's certificate (public). */
  caCertificate: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? null : v),
    z
      .string()
      .max(100_000)
      .refine((pem) => /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(pem), {
        error: 'expected one or more PEM certificates (-----BEGIN CERTIFICATE----- …)',
      })
      .refine((pem) => !/PRIVATE KEY-----/.test(pem), { error: 'this is a private key: give the CA certificate only' })
      .nullable()
      .optional(),
  ),
  knownHosts: optionalText(20_000),
  // Empty or null: follow the remote's default branch (its HEAD).
  defaultBranch: refName(),
  // An empty form field keeps the default.
  timeoutSeconds: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(3600).optional()),
};

/** Repository create body (API and form). `secret` is the token, the password or the private key, by authType. */
export const RepositoryInput = z.object({ ...fields, authType: fields.authType.default('none') });
export type RepositoryInput = z.infer<typeof RepositoryInput>;

/** Repository update body: every field optional, no defaults; an absent or empty secret keeps the stored one. */
export const RepositoryPatch = z.object(fields).partial().extend({ clearSecret: z.boolean().optional() });
export type RepositoryPatch = z.infer<typeof RepositoryPatch>;
