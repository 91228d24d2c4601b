// Git access for syncs and connection tests, through the system git binary (simple-git).
//
// A sync does a shallow, single-branch clone into a fresh temporary directory; nothing is
// shared between fabrics, so nothing needs a lock. A worker may keep the git directory of a
// fabric's last clone (src/sync/read/keptFabrics.ts) and `fetchBranch` into it, so that a sync of a
// large fabric downloads and parses only what changed; anything wrong with a kept directory
// means a fresh clone, and credentials never go into its config (the URL is an argument).
//
// Credentials reach git only through the environment of the child process. For https the
// askpass helper is used rather than `http.extraHeader` in GIT_CONFIG_* variables: git asks
// askpass only after the server answered 401, so the secret is never sent to a server that
// did not ask for it, git picks the auth scheme, and no config override is needed. The helper
// script holds no secret; it echoes environment variables, and only when git asks for the
// repository's own origin (scheme, host and port). Redirects are not followed at all
// (`http.followRedirects=false`): git would keep using the credentials it holds for the
// redirect target, which then receives them without asking.
// Every call gets its own private temp dir (HOME, helper scripts, SSH key, known_hosts),
// removed in `finally`, so the user's ~/.gitconfig, ~/.ssh and credential helpers play no part.

import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { redact } from '../secrets/redact';
import { checkRemoteHost, hostPolicy } from './hostPolicy';
import { maskSecrets } from './mask';
import { checkBranchName, checkRepositoryUrl } from './url';

export type GitAuth =
  | { type: 'none' }
  | { type: 'token'; username?: string; token: string }
  | { type: 'basic'; username: string; password: string }
  | { type: 'ssh_key'; privateKey: string; passphrase?: string; knownHosts?: string };

export type GitFailureKind = 'auth' | 'not_found' | 'unreachable' | 'timeout' | 'tls' | 'branch_not_found' | 'unknown';

/** A failed git call; the message is human, redacted, and never contains the call's secret. */
export class GitError extends Error {
  readonly kind: GitFailureKind;
  /** True when retrying later may succeed (the remote was unreachable or slow). */
  readonly transient: boolean;

  constructor(kind: GitFailureKind, message: string) {
    super(message);
    this.name = 'GitError';
    this.kind = kind;
    this.transient = kind === 'unreachable' || kind === 'timeout';
  }
}

interface CommonOptions {
  url: string;
  auth: GitAuth;
  /** The remote's default branch when absent or empty. */
  branch?: string;
  timeoutMs: number;
  /** Permits http://, git:// and file:// remotes (development and tests only). */
  allowInsecure?: boolean;
  /** Parent of the per-call private temp dir; defaults to the OS temp dir. */
  tmpDir?: string;
  /** PEM certificates of a private CA trusted for this https remote, besides the system's. */
  caCertificate?: string | null;
}

export interface CloneResult {
  sha: string;
  message: string;
  author: string;
  date: Date;
  branch: string;
}

/** GitHub and Gitea take any username with a token, but refuse an empty one; GitLab accepts this too. */
const DEFAULT_TOKEN_USERNAME = 'x-access-token';

/** Commit of the branch (or of the remote's default branch) without cloning: `git ls-remote`. */
export async function lsRemote(opts: CommonOptions): Promise<{ head: string; branch: string }> {
  return withGit(opts, 'ls-remote', async (git) => {
    if (opts.branch) {
      const ref = `refs/heads/${opts.branch}`;
      const out = await git.raw(['ls-remote', '--heads', '--', opts.url, ref]);
      const line = out.split('\n').find((l) => l.endsWith(`\t${ref}`));
      if (!line) throw new GitError('branch_not_found', `branch "${opts.branch}" not found in ${opts.url}`);
      return { head: line.split('\t')[0] ?? '', branch: opts.branch };
    }
    const out = await git.raw(['ls-remote', '--symref', '--', opts.url, 'HEAD']);
    const symref = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(out)?.[1];
    const head = /^([0-9a-f]{40,64})\tHEAD$/m.exec(out)?.[1];
    if (!symref || !head)
      throw new GitError('branch_not_found', `${opts.url} has no default branch (is the repository empty?)`);
    return { head, branch: symref };
  });
}

// The tip of one branch or tag, without its history or other refs.
const SHALLOW_CLONE = ['clone', '--depth', '1', '--single-branch', '--no-tags'];

/**
 * Shallow, single-branch clone of the branch or tag (or the remote default) into `dir`, which
 * must not exist or be empty; with `commit`, a shallow checkout of exactly that commit. With
 * `checkout: false` a branch or tag is cloned without writing its files (checkoutTree does later).
 */
export async function shallowClone(
  opts: CommonOptions & { dir: string; commit?: string; checkout?: boolean },
): Promise<CloneResult> {
  return withGit(opts, 'clone', async (git, env) => {
    const branchArgs = opts.branch ? ['--branch', opts.branch] : [];
    // git runs inside the private dir, so a relative target would land there and be deleted.
    const dir = resolve(opts.dir);
    if (opts.commit) {
      checkCommit(opts.commit);
      await git.raw(['init', '--quiet', '--', dir]);
      const inDir = configured(dir, env, git.signal, opts.timeoutMs);
      await inDir.raw(['fetch', '--quiet', '--depth', '1', '--no-tags', '--', opts.url, opts.commit]);
      await inDir.raw(['checkout', '--quiet', '--detach', 'FETCH_HEAD']);
    } else {
      const checkoutArgs = opts.checkout === false ? ['--no-checkout'] : [];
      await git.raw([...SHALLOW_CLONE, ...checkoutArgs, ...branchArgs, '--', opts.url, dir]);
    }
    const inClone = configured(dir, env, git.signal, opts.timeoutMs);
    let log: string;
    try {
      log = await inClone.raw(['log', '-1', '--format=%H%x00%an <%ae>%x00%aI%x00%B']);
    } catch {
      throw new GitError(
        'branch_not_found',
        `${opts.url} has no commits on ${opts.branch ? `branch "${opts.branch}"` : 'its default branch'}`,
      );
    }
    const [sha = '', author = '', date = '', ...rest] = log.split('\0');
    const branch = opts.branch || (opts.commit ? '' : (await inClone.raw(['symbolic-ref', '--short', 'HEAD'])).trim());
    return { sha: sha.trim(), author, date: new Date(date), message: rest.join('\0').trim(), branch };
  });
}

/**
 * Every directory at the tip of the branch (or the remote default), relative to the root, each
 * ending in "/": a shallow clone without blobs or a checkout (trees only), then `git ls-tree`.
 */
export async function listDirectories(
  opts: CommonOptions,
): Promise<{ sha: string; branch: string; directories: string[] }> {
  return withGit(opts, 'ls-tree', async (git, env) => {
    const branchArgs = opts.branch ? ['--branch', opts.branch] : [];
    const dir = resolve(await mkdtemp(join(opts.tmpDir ?? tmpdir(), 'hhfm-tree-')));
    try {
      await git.raw([
        ...SHALLOW_CLONE,
        '--no-checkout',
        '--filter=blob:none',
        '--bare',
        ...branchArgs,
        '--',
        opts.url,
        dir,
      ]);
      const inClone = configured(dir, env, git.signal, opts.timeoutMs);
      const sha = (await inClone.raw(['rev-parse', 'HEAD'])).trim();
      const out = await inClone.raw(['ls-tree', '-r', '-d', '--name-only', '-z', 'HEAD']);
      const branch = opts.branch || (await inClone.raw(['symbolic-ref', '--short', 'HEAD'])).trim();
      return {
        sha,
        branch,
        directories: out
          .split('\0')
          .filter(Boolean)
          .map((d) => `${d}/`),
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}

/**
 * Shallow fetch of the branch's tip into an existing repository `gitDir` (a kept clone), without
 * touching any work tree; the fetched commit is FETCH_HEAD. Only the objects it lacks travel.
 */
export async function fetchBranch(
  opts: CommonOptions & { gitDir: string; branch: string; refKind?: 'branch' | 'tag' | 'commit' },
): Promise<CloneResult> {
  const ref =
    opts.refKind === 'commit'
      ? checkCommit(opts.branch)
      : `refs/${opts.refKind === 'tag' ? 'tags' : 'heads'}/${opts.branch}`;
  return withGit(opts, 'fetch', async (git, env) => {
    const inRepo = configured(resolve(opts.gitDir), env, git.signal, opts.timeoutMs);
    // No auto-gc: the blobs of the previous sync must stay until the next one has read them.
    await inRepo.raw(['fetch', '--quiet', '--depth', '1', '--no-tags', '--no-auto-gc', '--', opts.url, ref]);
    const log = await inRepo.raw(['log', '-1', '--format=%H%x00%an <%ae>%x00%aI%x00%B', 'FETCH_HEAD']);
    const [sha = '', author = '', date = '', ...rest] = log.split('\0');
    return { sha: sha.trim(), author, date: new Date(date), message: rest.join('\0').trim(), branch: opts.branch };
  });
}

/**
 * The remote's refs named in `refs` (full names), as `git ls-remote` lists them; an annotated
 * tag's commit is under `<tag>^{}`.
 */
export async function listRemoteRefs(opts: CommonOptions, refs: string[]): Promise<Map<string, string>> {
  return withGit(opts, 'ls-remote', async (git) => {
    for (const ref of refs) {
      const problem = checkBranchName(ref.replace(/\^\{\}$/, ''));
      if (problem) throw new GitError('branch_not_found', `invalid ref "${ref}": ${problem}`);
    }
    const out = await git.raw(['ls-remote', '--', opts.url, ...refs]);
    const found = new Map<string, string>();
    for (const line of out.split('\n')) {
      const [sha, ref] = line.split('\t');
      if (sha && ref && refs.includes(ref)) found.set(ref, sha);
    }
    return found;
  });
}

/**
 * Whether `commit` is in the history of the remote's `ref` (a full ref name). Fetches the ref's
 * commits only (no trees or blobs where the server filters) into a private directory.
 */
export async function commitReachable(opts: CommonOptions & { ref: string; commit: string }): Promise<boolean> {
  checkCommit(opts.commit);
  return withGit(opts, 'fetch', async (git, env) => {
    const dir = join(String(env.HOME), 'history.git');
    await git.raw(['init', '--quiet', '--bare', '--', dir]);
    const inDir = configured(dir, env, git.signal, opts.timeoutMs);
    await inDir.raw(['fetch', '--quiet', '--no-tags', '--filter=tree:0', '--', opts.url, opts.ref]);
    try {
      await inDir.raw(['merge-base', '--is-ancestor', opts.commit, 'FETCH_HEAD']);
      return true;
    } catch {
      return false;
    }
  });
}

function checkCommit(commit: string): string {
  if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(commit)) throw new GitError('unknown', `invalid commit "${commit}"`);
  return commit;
}

type ChildEnv = Record<string, string>;
type RunGit = SimpleGit & { signal: AbortSignal };

async function withGit<T>(
  opts: CommonOptions & { dir?: string },
  op: string,
  body: (git: RunGit, env: ChildEnv) => Promise<T>,
): Promise<T> {
  const secrets = secretsOf(opts.auth);
  const urlProblem = checkRepositoryUrl(opts.url, { allowInsecure: opts.allowInsecure ?? false });
  if (urlProblem) throw new GitError('unknown', `invalid repository URL: ${urlProblem}`);
  const branchProblem = opts.branch ? checkBranchName(opts.branch) : null;
  if (branchProblem) throw new GitError('branch_not_found', `invalid branch "${opts.branch}": ${branchProblem}`);
  if (!(opts.timeoutMs > 0)) throw new GitError('unknown', `git ${op}: timeoutMs must be a positive number`);
  const host = await checkRemoteHost(opts.url, hostPolicy());
  if (!host.allowed) throw new GitError('unknown', `invalid repository URL: ${host.message}`);

  const privateDir = await mkdtemp(join(opts.tmpDir ?? tmpdir(), 'hhfm-git-'));
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs);
  try {
    const env = await prepareEnvironment(privateDir, opts.url, opts.auth, opts.allowInsecure ?? false, opts.timeoutMs);
    if (opts.caCertificate?.trim()) env.GIT_SSL_CAINFO = await trustBundle(privateDir, opts.caCertificate);
    const git = configured(privateDir, env, controller.signal, opts.timeoutMs);
    return await body(git, env);
  } catch (error) {
    // Our own messages quote only the URL and branch (checked, and never masked: see redactOutput).
    if (error instanceof GitError) throw error;
    if (controller.signal.aborted)
      throw new GitError('timeout', `git ${op} of ${opts.url} timed out after ${formatSeconds(opts.timeoutMs)}`);
    throw classify(error, op, opts, secrets, !host.listed && hostPolicy().production);
  } finally {
    clearTimeout(timer);
    await rm(privateDir, { recursive: true, force: true });
  }
}

function configured(baseDir: string, env: ChildEnv, signal: AbortSignal, timeoutMs: number): RunGit {
  // Killing git on timeout leaves its git-remote-http child behind; curl's own stall limit ends it.
  const stallSeconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  const git = simpleGit({
    baseDir,
    abort: signal,
    // Only this module sets these: the askpass helper, the ssh command and the emptied credential
    // helper list. User input reaches git solely as the checked URL after `--` and a checked branch.
    unsafe: { allowUnsafeAskPass: true, allowUnsafeSshCommand: true, allowUnsafeCredentialHelper: true },
    allowEnvironment: Object.keys(env),
    config: [
      'credential.helper=',
      'core.symlinks=true',
      'http.followRedirects=false',
      'http.lowSpeedLimit=1',
      `http.lowSpeedTime=${stallSeconds}`,
    ],
  }).env(env);
  return Object.assign(git, { signal });
}

async function prepareEnvironment(
  privateDir: string,
  url: string,
  auth: GitAuth,
  allowInsecure: boolean,
  timeoutMs: number,
): Promise<ChildEnv> {
  const home = join(privateDir, 'home');
  await mkdir(home, { mode: 0o700 });
  const knownHosts = join(privateDir, 'known_hosts');
  await writeFile(knownHosts, auth.type === 'ssh_key' && auth.knownHosts ? normaliseNewlines(auth.knownHosts) : '', {
    mode: 0o600,
  });

  const env: ChildEnv = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: home,
    LANG: 'C',
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GCM_INTERACTIVE: 'never',
    // Refuses ext::, fd:: and friends even if a URL slipped past checkRepositoryUrl.
    GIT_ALLOW_PROTOCOL: allowInsecure ? 'https:ssh:http:git:file' : 'https:ssh',
  };
  for (const name of [
    'http_proxy',
    'https_proxy',
    'no_proxy',
    'HTTP_PROXY',
    'HTTPS_PROXY',
    'NO_PROXY',
    'ALL_PROXY',
    'SSL_CERT_FILE',
    'SSL_CERT_DIR',
    // git's own CA bundle variable: Debian's git (libcurl with GnuTLS) ignores SSL_CERT_FILE.
    'GIT_SSL_CAINFO',
  ]) {
    const value = process.env[name];
    if (value) env[name] = value;
  }

  const sshOptions = [
    '-F /dev/null', // the user's ~/.ssh/config is found through getpwuid, not $HOME
    '-o IdentitiesOnly=yes',
    '-o PasswordAuthentication=no',
    '-o KbdInteractiveAuthentication=no',
    `-o ConnectTimeout=${Math.max(1, Math.ceil(timeoutMs / 1000))}`,
    '-o ServerAliveInterval=15',
    '-o ServerAliveCountMax=2',
    `-o UserKnownHostsFile=${shellQuote(knownHosts)}`,
    '-o GlobalKnownHostsFile=/dev/null',
    `-o StrictHostKeyChecking=${auth.type === 'ssh_key' && auth.knownHosts ? 'yes' : 'accept-new'}`,
  ];

  if (auth.type === 'token' || auth.type === 'basic') {
    const askpass = join(privateDir, 'askpass.sh');
    await writeFile(askpass, ASKPASS_SCRIPT, { mode: 0o700 });
    env.GIT_ASKPASS = askpass;
    env.HHFM_GIT_ORIGINS = askpassOrigins(url).join(' ');
    env.HHFM_GIT_USERNAME = auth.type === 'token' ? auth.username || DEFAULT_TOKEN_USERNAME : auth.username;
    env.HHFM_GIT_PASSWORD = auth.type === 'token' ? auth.token : auth.password;
  }

  if (auth.type === 'ssh_key') {
    const keyFile = join(privateDir, 'id_key');
    // OpenSSH rejects a key without its final newline, and keys pasted from Windows carry CRs.
    await writeFile(keyFile, `${normaliseNewlines(auth.privateKey).trimEnd()}\n`, { mode: 0o600 });
    await chmod(keyFile, 0o600);
    sshOptions.unshift(`-i ${shellQuote(keyFile)}`);
    if (auth.passphrase) {
      const sshAskpass = join(privateDir, 'ssh-askpass.sh');
      await writeFile(sshAskpass, SSH_ASKPASS_SCRIPT, { mode: 0o700 });
      env.SSH_ASKPASS = sshAskpass;
      env.SSH_ASKPASS_REQUIRE = 'force';
      env.HHFM_SSH_PASSPHRASE = auth.passphrase;
      sshOptions.push('-o BatchMode=no', '-o NumberOfPasswordPrompts=1');
    } else {
      sshOptions.push('-o BatchMode=yes');
    }
  } else {
    sshOptions.push('-o BatchMode=yes');
  }
  env.GIT_SSH_COMMAND = `ssh ${sshOptions.join(' ')}`;
  return env;
}

/** The system's CA bundle plus the repository's CA: a private CA is trusted besides, not instead of, public ones. */
async function trustBundle(privateDir: string, caCertificate: string): Promise<string> {
  const system = await readFile(process.env.SSL_CERT_FILE || '/etc/ssl/certs/ca-certificates.crt', 'utf8').catch(
    () => '',
  );
  const bundle = join(privateDir, 'ca-bundle.pem');
  await writeFile(bundle, `${system.trimEnd()}\n${normaliseNewlines(caCertificate).trim()}\n`, { mode: 0o600 });
  return bundle;
}

/**
 * git's askpass helper. git asks "Username for 'https://host:port': " and "Password for
 * 'https://user@host:port': "; the helper answers only when that origin is one of
 * HHFM_GIT_ORIGINS (the repository's own), and fails otherwise, so git gives up.
 */
export const ASKPASS_SCRIPT = String.raw`#!/bin/sh
origin=$(printf '%s\n' "$1" | sed -n "s#^[^']*'\([a-zA-Z][a-zA-Z0-9+.-]*://\)\([^/']*@\)\{0,1\}\([^/']*\)'.*#\1\3#p" | tr 'A-Z' 'a-z')
[ -n "$origin" ] || exit 1
case " $HHFM_GIT_ORIGINS " in
  *" $origin "*) ;;
  *) exit 1 ;;
esac
case "$1" in
  [Uu]sername*) printf '%s\n' "$HHFM_GIT_USERNAME" ;;
  *) printf '%s\n' "$HHFM_GIT_PASSWORD" ;;
esac
`;

/**
 * The spellings of the repository's origin git may put in its prompt: lower-cased, with the
 * port as written, and with the scheme's default port spelled out or left away.
 */
export function askpassOrigins(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const scheme = parsed.protocol.toLowerCase();
  const host = parsed.hostname.toLowerCase();
  const defaultPort = scheme === 'https:' ? '443' : scheme === 'http:' ? '80' : '';
  const ports = parsed.port ? [parsed.port] : ['', defaultPort].filter((p, i) => i === 0 || p);
  return ports.map((port) => `${scheme}//${host}${port ? `:${port}` : ''}`);
}

const SSH_ASKPASS_SCRIPT = `#!/bin/sh
printf '%s\\n' "$HHFM_SSH_PASSPHRASE"
`;

function secretsOf(auth: GitAuth): string[] {
  switch (auth.type) {
    case 'none':
      return [];
    case 'token':
      return [auth.token, `${auth.username || DEFAULT_TOKEN_USERNAME}:${auth.token}`];
    case 'basic':
      return [auth.password, `${auth.username}:${auth.password}`];
    case 'ssh_key':
      return [auth.privateKey, ...(auth.passphrase ? [auth.passphrase] : [])];
  }
}

const PATTERNS: [GitFailureKind, RegExp][] = [
  ['branch_not_found', /Remote branch .* not found|couldn't find remote ref|not found in upstream/i],
  ['tls', /SSL|certificate|TLS|gnutls/i],
  [
    'auth',
    /Authentication failed|could not read (Username|Password)|terminal prompts disabled|\b40[13]\b|Permission denied|Host key verification failed|invalid format|incorrect passphrase/i,
  ],
  [
    'not_found',
    /Repository not found|does not appear to be a git repository|\b404\b|not found|does not exist|No such file or directory/i,
  ],
  [
    'unreachable',
    /Could not resolve host|Connection refused|Failed to connect|Connection timed out|Network is unreachable|No route to host|Could not resolve hostname|Connection reset|Connection closed|unexpected disconnect|Empty reply/i,
  ],
];

/**
 * A GitError for git's failure. `coarse` (production, a host no GIT_ALLOWED_HOSTS entry names):
 * connection-level failures get one message without git's detail, so that a repository URL does
 * not tell an open port from a closed one.
 */
function classify(error: unknown, op: string, opts: CommonOptions, secrets: string[], coarse: boolean): GitError {
  const raw = error instanceof Error ? error.message : String(error);
  const match = PATTERNS.find(([, pattern]) => pattern.test(raw));
  const kind = match?.[0] ?? 'unknown';
  const host = hostOf(opts.url);
  if (/returned error: 30[0-8]\b/.test(raw))
    return new GitError(
      'not_found',
      `${opts.url} answered with a redirect, which git is not allowed to follow (credentials go to the repository's own host only); use the URL it redirects to`,
    );
  const output = (match && firstLineMatching(raw, match[1])) ?? lastFatalLine(raw);
  // curl's "after 3 ms" says nothing to a user, and makes two identical failures read differently.
  const detail = redactOutput(output, [opts.url, host, opts.branch ?? ''], secrets).replace(/ after \d+ ms\b/g, '');
  const hostKey =
    /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|host key .*(differs|mismatch)/i.test(raw);
  const messages: Record<GitFailureKind, string> = {
    auth: hostKey
      ? `the SSH host key of ${host} does not match the pinned known hosts: refused (check the repository's known hosts, e.g. with ssh-keyscan)`
      : `authentication failed for ${opts.url} (check the username and secret${opts.auth.type === 'ssh_key' ? ', and the known hosts' : ''})`,
    not_found: `repository not found at ${opts.url} (check the URL, and that the credentials may read it)`,
    unreachable: `cannot reach ${host}: ${detail}`,
    timeout: `git ${op} of ${opts.url} timed out after ${formatSeconds(opts.timeoutMs)}`,
    tls: /verif|issuer|self.signed|not trusted|unknown ca|certificate problem/i.test(detail)
      ? `the TLS certificate of ${host} is not trusted (${detail}); if a private CA issued it, add that CA's certificate to the repository`
      : `TLS problem talking to ${host}: ${detail}`,
    branch_not_found: `branch "${opts.branch ?? ''}" not found in ${opts.url}`,
    unknown: `git ${op} failed for ${opts.url}: ${detail}`,
  };
  if (coarse && (kind === 'unreachable' || kind === 'tls' || kind === 'unknown'))
    return new GitError(
      kind,
      `could not reach a git server at ${host} (refused, unreachable, TLS or protocol failure); list the host in GIT_ALLOWED_HOSTS to see git's own error`,
    );
  return new GitError(kind, messages[kind]);
}

function firstLineMatching(stderr: string, pattern: RegExp): string | undefined {
  return stderr
    .split('\n')
    .map((l) => l.trim().replace(/^(fatal|error):\s*/i, ''))
    .find((l) => pattern.test(l))
    ?.slice(0, 500);
}

function lastFatalLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const fatal = lines.filter((l) => /^(fatal|error):/i.test(l)).pop() ?? lines.pop() ?? 'no output';
  return fatal.replace(/^(fatal|error):\s*/i, '').slice(0, 500);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return /^(?:[^@/:]+@)?([^@/:]+):/.exec(url)?.[1] ?? url;
  }
}

/**
 * Masks secrets in git's output, but not in what it quotes of the request (the URL, host and
 * branch an admin typed): were a quoted value masked when it equals a secret, typing a guess
 * into a URL would tell whether it is one. Those values are set aside, the rest is redacted,
 * and they are put back as git wrote them.
 */
function redactOutput(output: string, quoted: string[], secrets: string[]): string {
  const values = quoted.filter((q) => q.length > 0).sort((a, b) => b.length - a.length);
  const kept: string[] = [];
  const setAside = values.length
    ? output.replace(new RegExp(values.map(escapeRegExp).join('|'), 'gi'), (m) => `\0${kept.push(m) - 1}\0`)
    : output;
  return redact(maskSecrets(setAside, secrets)).replace(/\0(\d+)\0/g, (_m, i: string) => kept[Number(i)] ?? '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function normaliseNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}
