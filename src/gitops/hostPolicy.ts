// Which hosts repositories may point at. Admins type repository URLs, and the app then connects
// from inside the network: without a policy, a repository URL is a way to probe internal ports
// (an open and a closed port fail differently). GIT_ALLOWED_HOSTS lists what is allowed (and,
// with '!', what is not); in production, loopback and link-local addresses (the app itself, the
// cloud metadata service at 169.254.169.254) are refused unless an entry allows them; and git's
// own error detail is shown only for hosts an entry allows.

import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** One entry of GIT_ALLOWED_HOSTS: a host name, `*.domain`, an address or CIDR range, with an optional port. */
export interface HostRule {
  deny: boolean;
  /** A lower-case name, or a suffix such as `.example.com` for `*.example.com`. */
  name?: string;
  suffix?: string;
  /** An address or range. */
  range?: BlockList;
  port?: string;
}

export interface Remote {
  /** Lower-case host name or address as written (IPv6 without brackets). */
  host: string;
  /** The port, or the scheme's default. */
  port: string;
}

export const HOST_NOT_ALLOWED =
  'is not allowed for repositories (see GIT_ALLOWED_HOSTS; loopback and link-local addresses are refused in production unless listed)';

const INTERNAL = new BlockList();
for (const [address, prefix, type] of [
  ['127.0.0.0', 8, 'ipv4'],
  ['0.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['::1', 128, 'ipv6'],
  ['::', 128, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['::ffff:127.0.0.0', 104, 'ipv6'],
  ['::ffff:0.0.0.0', 104, 'ipv6'],
  ['::ffff:169.254.0.0', 112, 'ipv6'],
] as const)
  INTERNAL.addSubnet(address, prefix, type);

const DEFAULT_PORTS: Record<string, string> = { https: '443', http: '80', ssh: '22', git: '9418' };

/** Parses GIT_ALLOWED_HOSTS; throws with the entry that is not understood. */
export function parseHostRules(text: string): HostRule[] {
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((raw) => {
      const deny = raw.startsWith('!');
      const entry = (deny ? raw.slice(1) : raw).toLowerCase();
      const match = /^(?:\[([0-9a-f:.]+)\]|([^:/[\]]+|[0-9a-f:.]+(?=\/))(?:\/(\d{1,3}))?)(?::(\d{1,5}))?$/.exec(entry);
      const bracketed = match?.[1];
      const bare = match?.[2];
      const prefix = match?.[3];
      const port = match?.[4];
      const address = bracketed ?? (bare && isIP(bare) ? bare : undefined);
      if (!match || (prefix !== undefined && !address))
        throw new Error(`GIT_ALLOWED_HOSTS: "${raw}" is not a host, *.domain, address or CIDR range`);
      if (address) {
        const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
        const range = new BlockList();
        const bits = prefix === undefined ? (type === 'ipv6' ? 128 : 32) : Number(prefix);
        if (bits > (type === 'ipv6' ? 128 : 32)) throw new Error(`GIT_ALLOWED_HOSTS: "${raw}" has a prefix too long`);
        range.addSubnet(address, bits, type);
        return { deny, range, port };
      }
      if (bare!.startsWith('*.')) return { deny, suffix: bare!.slice(1), port };
      if (!/^[a-z0-9_.-]+$/.test(bare!)) throw new Error(`GIT_ALLOWED_HOSTS: "${raw}" is not a host name`);
      return { deny, name: bare, port };
    });
}

/** The host and port a repository URL connects to; undefined for local paths and file:// URLs. */
export function remoteOf(url: string): Remote | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    const host = /^(?:[^@/:]+@)?([^@/:]+):/.exec(url)?.[1];
    return host ? { host: host.toLowerCase(), port: '22' } : undefined;
  }
  if (scheme === 'file') return undefined;
  try {
    const parsed = new URL(url);
    const host = parsed.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
    return host ? { host, port: parsed.port || DEFAULT_PORTS[scheme] || '' } : undefined;
  } catch {
    return undefined;
  }
}

/** Scheme, host and port of a repository URL, to tell whether an edit moves it to another server. */
export function originOf(url: string): string | undefined {
  const remote = remoteOf(url);
  if (!remote) return undefined;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase() ?? 'ssh';
  return `${scheme}://${remote.host}:${remote.port}`;
}

function addressMatches(rule: HostRule, address: string): boolean {
  const type = isIP(address);
  return !!rule.range && type !== 0 && rule.range.check(address, type === 6 ? 'ipv6' : 'ipv4');
}

/** Whether `rule` names this remote: its name, or (for address rules) its address or every address it resolves to. */
function ruleMatches(rule: HostRule, remote: Remote, addresses: string[], any: boolean): boolean {
  if (rule.port && rule.port !== remote.port) return false;
  if (rule.name) return rule.name === remote.host;
  if (rule.suffix) return remote.host.endsWith(rule.suffix);
  if (isIP(remote.host)) return addressMatches(rule, remote.host);
  if (addresses.length === 0) return false;
  return any ? addresses.some((a) => addressMatches(rule, a)) : addresses.every((a) => addressMatches(rule, a));
}

function isInternal(address: string): boolean {
  const type = isIP(address);
  return type !== 0 && INTERNAL.check(address, type === 6 ? 'ipv6' : 'ipv4');
}

/** GIT_ALLOWED_HOSTS parsed, and whether the app runs in production (where internal addresses need an entry). */
export interface HostPolicy {
  rules: HostRule[];
  production: boolean;
}

export interface HostDecision {
  allowed: boolean;
  /** True when an entry of GIT_ALLOWED_HOSTS allows the host: git's own error detail may be shown. */
  listed: boolean;
}

/** The policy for a remote whose addresses are known (empty when not resolved). */
export function decide(remote: Remote, addresses: string[], { rules, production }: HostPolicy): HostDecision {
  if (rules.some((r) => r.deny && ruleMatches(r, remote, addresses, true))) return { allowed: false, listed: false };
  const allows = rules.filter((r) => !r.deny);
  const listed = allows.some((r) => ruleMatches(r, remote, addresses, false));
  if (allows.length > 0 && !listed) return { allowed: false, listed };
  const internal = isInternal(remote.host) || addresses.some(isInternal) || remote.host === 'localhost';
  if (internal && !listed && production) return { allowed: false, listed };
  return { allowed: true, listed };
}

/** A check without DNS, for saving a repository: null when the URL's host may be used, else the message. */
export function checkHostAllowed(url: string, policy: HostPolicy): string | null {
  const remote = remoteOf(url);
  if (!remote) return null;
  return decide(remote, [], policy).allowed ? null : `host "${remote.host}" ${HOST_NOT_ALLOWED}`;
}

/**
 * The check before every git call: the host as written and every address it resolves to (so
 * that a name or a numeric spelling of 127.0.0.1 does not get past). A name that does not resolve
 * is left to git, which then fails to reach it.
 */
export async function checkRemoteHost(url: string, policy: HostPolicy): Promise<HostDecision & { message?: string }> {
  const remote = remoteOf(url);
  if (!remote) return { allowed: true, listed: true };
  const addresses = isIP(remote.host)
    ? [remote.host]
    : await lookup(remote.host, { all: true }).then(
        (found) => found.map((a) => a.address),
        () => [],
      );
  const decision = decide(remote, addresses, policy);
  return decision.allowed ? decision : { ...decision, message: `host "${remote.host}" ${HOST_NOT_ALLOWED}` };
}

let current: HostPolicy = { rules: [], production: false };

/** Sets the process-wide policy (the configuration does, whenever it is set). */
export function setHostPolicy(policy: HostPolicy): void {
  current = policy;
}

/** The process-wide policy: every host allowed until the configuration says otherwise. */
export function hostPolicy(): HostPolicy {
  return current;
}
