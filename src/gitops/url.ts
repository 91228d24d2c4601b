// Repository URLs come from admins, but they end up on git's command line, so anything git
// could read as an option, a transport helper or a credential is refused up front.

const MAX_URL_LENGTH = 2048;
const INSECURE_HINT = 'set ALLOW_INSECURE_GIT=true for development';
// scp-like syntax: [user@]host:path, where no '/' comes before the first ':'.
const SCP_LIKE = /^(?:([^@/:]+)@)?([^@/:]+):(?!\/\/)(.+)$/;

/** Returns null when `url` is an acceptable git remote, otherwise a message saying what is wrong. */
export function checkRepositoryUrl(url: string, opts: { allowInsecure: boolean }): string | null {
  if (typeof url !== 'string' || url.length === 0) return 'URL is required';
  if (url.length > MAX_URL_LENGTH) return `URL is longer than ${MAX_URL_LENGTH} characters`;
  if (/[\s\u0000-\u001f\u007f]/.test(url)) return 'URL must not contain spaces or control characters';
  if (url.startsWith('-')) return "URL must not start with '-'";
  if (/^[a-z0-9+.-]*::/i.test(url))
    return 'transport helper URLs (such as ext:: or fd::) are not allowed; use https:// or ssh://';
  if (url.includes('\\')) return 'URL must not contain backslashes';

  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return checkScpLike(url, opts);

  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a valid URL`;
  }
  const componentProblem = checkComponents(parsed.username, parsed.hostname);
  if (componentProblem) return componentProblem;
  switch (scheme) {
    case 'https':
      return checkHostAndCredentials(parsed, 'https');
    case 'ssh':
      if (parsed.password) return 'ssh URL must not contain a password; use an SSH key in the repository credentials';
      return checkHost(parsed);
    case 'http':
      if (!opts.allowInsecure) return `http:// URLs are not allowed (unencrypted); use https://, or ${INSECURE_HINT}`;
      return checkHostAndCredentials(parsed, 'http');
    case 'git':
      if (!opts.allowInsecure)
        return `git:// URLs are not allowed (unauthenticated and unencrypted); use https:// or ssh://, or ${INSECURE_HINT}`;
      return checkHost(parsed);
    case 'file':
      if (!opts.allowInsecure) return `file:// URLs are not allowed; use https:// or ssh://, or ${INSECURE_HINT}`;
      if (parsed.host !== '' && parsed.host !== 'localhost')
        return 'file:// URL must not name a host (use file:///absolute/path)';
      if (parsed.username || parsed.password) return 'URL must not contain credentials';
      return null;
    default:
      return `unsupported URL scheme "${scheme}://"; use https:// or ssh://`;
  }
}

function checkScpLike(url: string, opts: { allowInsecure: boolean }): string | null {
  if (url.startsWith('/') || url.startsWith('.')) {
    return opts.allowInsecure
      ? 'local paths are not allowed; write them as file:///absolute/path'
      : 'local paths are not allowed; use https:// or ssh://';
  }
  if (/^[^@/]*:[^@/]*@[^@/:]+:/.test(url))
    return 'ssh URL must not contain a password; use an SSH key in the repository credentials';
  const match = SCP_LIKE.exec(url);
  if (!match) return `"${url}" is not a git URL; use https://host/path or ssh://git@host/path`;
  const [, user, host, path] = match;
  if (path?.startsWith('-')) return "URL path must not start with '-'";
  if (user?.includes(':')) return 'ssh URL must not contain a password; use an SSH key in the repository credentials';
  if (!host || host.startsWith('-')) return "URL host must not be empty or start with '-'";
  return checkComponents(user ?? '', host);
}

/**
 * The user and host end up as arguments of ssh (or in git's connection code), so neither may
 * read as an option after any amount of percent-decoding (`%2D`, `%252D`), nor hold spaces or
 * control characters; a host name never needs percent-encoding at all.
 */
function checkComponents(user: string, host: string): string | null {
  const decodedUser = fullyDecoded(user);
  if (decodedUser === null) return 'URL user has malformed percent-encoding';
  if (decodedUser.startsWith('-')) return "URL user must not start with '-' (even percent-encoded)";
  if (/[\s\u0000-\u001f\u007f]/.test(decodedUser)) return 'URL user must not contain spaces or control characters';
  if (host.startsWith('-')) return "URL host must not start with '-'";
  if (host.includes('%')) return 'URL host must not be percent-encoded';
  return null;
}

/** Percent-decodes until nothing changes (at most a few rounds); null when the encoding is malformed. */
function fullyDecoded(text: string): string | null {
  let current = text;
  for (let round = 0; round < 5 && current.includes('%'); round++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return null;
    }
    if (next === current) break;
    current = next;
  }
  return current;
}

function checkHostAndCredentials(parsed: URL, scheme: string): string | null {
  if (parsed.username || parsed.password) {
    return "URL must not contain credentials; put them in the repository's credentials instead";
  }
  if (parsed.search || parsed.hash) return `${scheme} URL must not contain a query string or fragment`;
  return checkHost(parsed);
}

function checkHost(parsed: URL): string | null {
  if (!parsed.hostname) return 'URL has no host';
  if (parsed.hostname.startsWith('-')) return "URL host must not start with '-'";
  return null;
}

/** Returns null when `branch` is a usable branch name, otherwise a message saying what is wrong. */
export function checkBranchName(branch: string): string | null {
  if (typeof branch !== 'string' || branch.length === 0) return 'branch name is required';
  if (branch.length > 255) return 'branch name is longer than 255 characters';
  if (branch.startsWith('-')) return "branch name must not start with '-'";
  // The rules of `git check-ref-format --branch`, so that a bad name fails here with a clear message.
  if (/[\s\u0000-\u001f\u007f~^:?*[\\]/.test(branch)) {
    return 'branch name must not contain spaces, control characters or any of ~ ^ : ? * [ \\';
  }
  if (branch.includes('..') || branch.includes('@{') || branch.includes('//'))
    return "branch name must not contain '..', '@{' or '//'";
  if (
    branch === '@' ||
    branch.startsWith('/') ||
    branch.endsWith('/') ||
    branch.endsWith('.') ||
    branch.endsWith('.lock')
  ) {
    return "branch name must not be '@', start or end with '/', or end with '.' or '.lock'";
  }
  if (branch.split('/').some((part) => part.startsWith('.'))) return "branch name components must not start with '.'";
  return null;
}
