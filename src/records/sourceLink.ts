// Links a record to the file it came from, at the commit it came from, on the repository's web
// host. Only hosts whose web address follows from the clone URL get a link.

const SCP_LIKE = /^(?:[^@/:]+@)?([^@/:]+):(?!\/\/)(.+)$/;
const KNOWN_SSH_HOSTS = new Set(['github.com', 'gitlab.com']);

/** The repository's web address (`https://github.com/org/repo`) for a clone URL, or null when there is none to guess. */
export function repositoryWebUrl(cloneUrl: string): string | null {
  let host: string;
  let path: string;
  const scp = /^[a-z][a-z0-9+.-]*:\/\//i.test(cloneUrl) ? null : SCP_LIKE.exec(cloneUrl);
  if (scp) {
    [host, path] = [scp[1]!.toLowerCase(), scp[2]!];
    if (!KNOWN_SSH_HOSTS.has(host)) return null;
  } else {
    let url: URL;
    try {
      url = new URL(cloneUrl);
    } catch {
      return null;
    }
    host = url.host.toLowerCase();
    path = url.pathname;
    // Over ssh only the well-known hosts say where their web pages are; any https host is taken as one.
    if (url.protocol === 'ssh:' ? !KNOWN_SSH_HOSTS.has(url.hostname.toLowerCase()) : url.protocol !== 'https:')
      return null;
    if (url.protocol === 'ssh:') host = url.hostname.toLowerCase();
  }
  const clean = path
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
  if (!clean) return null;
  return `https://${host}/${clean}`;
}

/**
 * The web address of a file at a commit, at a line: `<base>/blob/<commit>/<path>#L<line>`
 * (GitHub, Gitea, Forgejo and most others) or `<base>/-/blob/…` (GitLab). Null when the
 * repository has no known web address or the commit is not a sha.
 */
export function sourceFileUrl(props: {
  repositoryUrl: string;
  commit: string;
  path: string;
  line?: number | null;
}): string | null {
  const base = repositoryWebUrl(props.repositoryUrl);
  if (!base || !/^[0-9a-f]{7,64}$/i.test(props.commit) || !props.path) return null;
  const blob = new URL(base).hostname === 'gitlab.com' ? '/-/blob/' : '/blob/';
  const path = props.path.replace(/^\/+/, '').split('/').map(encodeURIComponent).join('/');
  return `${base}${blob}${props.commit}/${path}${props.line && props.line > 0 ? `#L${props.line}` : ''}`;
}

/** The web address of a commit (`<base>/commit/<sha>`, GitLab `<base>/-/commit/<sha>`), or null as for files. */
export function commitUrl(props: { repositoryUrl: string; commit: string | null }): string | null {
  const base = repositoryWebUrl(props.repositoryUrl);
  if (!base || !props.commit || !/^[0-9a-f]{7,64}$/i.test(props.commit)) return null;
  return `${base}${new URL(base).hostname === 'gitlab.com' ? '/-/commit/' : '/commit/'}${props.commit}`;
}
