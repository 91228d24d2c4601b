import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { config, ConfigError, loadConfig, setConfig } from '../../src/config';
import { ASKPASS_SCRIPT, askpassOrigins, lsRemote, shallowClone } from '../../src/gitops/git';
import { parseHostRules } from '../../src/gitops/hostPolicy';
import { createApp } from '../../src/web/app';
import { logLines, useTestEnvironment } from '../helpers/env';
import { tokenFor } from '../helpers/factories';
import { commitFiles, createBareRepo, startGitServer } from '../helpers/gitServer';
import { freePort } from '../helpers/net';

// Issue 11, finding 1: a stored git password must reach the repository's own host only, never
// a server a redirect points at; finding 10: repository URLs cannot be used to probe the
// app's own host or internal ports.

const cfg = await useTestEnvironment();
const app = createApp();
const { token: ADMIN } = await tokenFor('admin');
const run = promisify(execFile);
const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(server: Server, host = '127.0.0.1'): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as { port: number }).port;
}

/** A server that asks everyone for Basic credentials and records what it is sent. */
async function recorder(): Promise<{ port: number; seen: { path: string; authorization?: string }[] }> {
  const seen: { path: string; authorization?: string }[] = [];
  const port = await listen(
    createServer((req, res) => {
      seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="recorder"' }).end();
    }),
  );
  return { port, seen };
}

/**
 * A remote that redirects with `status` to `target` (plus the request path): at once, or only
 * once git has authenticated (so that git holds the credentials when it meets the redirect).
 */
async function redirector(
  status: number,
  target: string,
  afterAuth: boolean,
  expected: string,
): Promise<{ url: string; seen: (string | undefined)[] }> {
  const seen: (string | undefined)[] = [];
  const port = await listen(
    createServer((req, res) => {
      seen.push(req.headers.authorization);
      if (afterAuth && req.headers.authorization !== expected) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="origin"' }).end();
        return;
      }
      res.writeHead(status, { Location: `${target}${req.url}` }).end();
    }),
  );
  return { url: `http://127.0.0.1:${port}/fabric.git`, seen };
}

const api = {
  post: (path: string, body: object = {}) =>
    request(app).post(`/api/v1${path}`).set('Authorization', `Bearer ${ADMIN}`).send(body),
};

describe('redirects (finding 1)', () => {
  const STATUSES = [301, 302, 303, 307, 308];

  // One test per status: each makes eight repositories and eight connection tests.
  it.each(STATUSES)('never sends the stored password to the server a %s redirect points at', async (status) => {
    const target = await recorder();
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const expected = `Basic ${Buffer.from(`fabric:${password}`).toString('base64')}`;
    const targets = {
      'another port': `http://127.0.0.1:${target.port}`,
      'another host name': `http://localhost:${target.port}`,
      'another scheme': `https://127.0.0.1:${target.port}`,
      'a path-relative location': '',
    };
    let cases = 0;
    for (const [what, location] of Object.entries(targets)) {
      for (const afterAuth of [false, true]) {
        const origin = await redirector(status, location, afterAuth, expected);
        const created = await api.post('/repositories', {
          name: `redirect-${randomBytes(4).toString('hex')}`,
          url: origin.url,
          authType: 'basic',
          username: 'fabric',
          secret: password,
        });
        expect(created.status).toBe(201);
        const tested = await api.post(`/repositories/${created.body.id}/test`);
        const label = `${status} to ${what}${afterAuth ? ' after authenticating' : ''}`;
        expect(
          target.seen.filter((r) => r.authorization),
          label,
        ).toEqual([]);
        expect(tested.body.connectionStatus, label).toBe('failed');
        expect(tested.body.validationError, label).toMatch(
          /answered with a redirect, which git is not allowed to follow/,
        );
        // The origin may see the credentials it asked for; nobody else.
        if (afterAuth) expect(origin.seen, label).toContain(expected);
        cases++;
      }
    }
    expect(cases).toBe(8);
    expect(target.seen.filter((r) => r.authorization)).toEqual([]);
    expect(JSON.stringify(target.seen)).not.toContain(password);
    expect(logLines.join('\n')).not.toContain(password);
  });

  it('does not follow a redirect between https servers of a private CA, nor talk to a self-signed one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hhfm-tls-'));
    const openssl = (args: string[]) => run('openssl', args, { cwd: dir });
    const previous = process.env.GIT_SSL_CAINFO;
    try {
      await openssl([
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'ca.key',
        '-out',
        'ca.pem',
        '-days',
        '2',
        '-subj',
        '/CN=hhfm test CA',
      ]);
      await openssl([
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'server.key',
        '-out',
        'server.csr',
        '-subj',
        '/CN=127.0.0.1',
      ]);
      await writeFile(join(dir, 'ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
      await openssl([
        'x509',
        '-req',
        '-in',
        'server.csr',
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        'server.pem',
        '-days',
        '2',
        '-extfile',
        'ext',
      ]);
      const tls = { key: await readFile(join(dir, 'server.key')), cert: await readFile(join(dir, 'server.pem')) };
      const seen: (string | undefined)[] = [];
      const target = await listen(
        createHttpsServer(tls, (req, res) => {
          seen.push(req.headers.authorization);
          res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="recorder"' }).end();
        }),
      );
      const password = `tls-${randomBytes(8).toString('hex')}`;
      const expected = `Basic ${Buffer.from(`fabric:${password}`).toString('base64')}`;
      const originSeen: (string | undefined)[] = [];
      const origin = await listen(
        createHttpsServer(tls, (req, res) => {
          originSeen.push(req.headers.authorization);
          if (req.headers.authorization !== expected)
            return void res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="origin"' }).end();
          res.writeHead(302, { Location: `https://localhost:${target}${req.url}` }).end();
        }),
      );
      const auth = { type: 'basic' as const, username: 'fabric', password };
      const url = `https://127.0.0.1:${origin}/fabric.git`;
      // Not trusted: git stops at the certificate and sends nothing.
      delete process.env.GIT_SSL_CAINFO;
      await expect(lsRemote({ url, auth, timeoutMs: 10_000 })).rejects.toThrow(
        /the TLS certificate of 127\.0\.0\.1:\d+ is not trusted/,
      );
      expect(originSeen).toEqual([]);
      // Trusted (the private CA): git authenticates to the origin, and stops at its redirect.
      process.env.GIT_SSL_CAINFO = join(dir, 'ca.pem');
      const failure = await lsRemote({ url, auth, timeoutMs: 10_000 }).then(
        () => null,
        (err: Error) => err.message,
      );
      expect(seen.filter(Boolean)).toEqual([]);
      expect(originSeen).toContain(expected);
      expect(failure).toMatch(/answered with a redirect/);
    } finally {
      if (previous === undefined) delete process.env.GIT_SSL_CAINFO;
      else process.env.GIT_SSL_CAINFO = previous;
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('does not follow a redirect when cloning either', async () => {
    const target = await recorder();
    const expected = `Basic ${Buffer.from('fabric:clone-secret').toString('base64')}`;
    const origin = await redirector(302, `http://localhost:${target.port}`, true, expected);
    const dir = await mkdtemp(join(tmpdir(), 'hhfm-redirect-clone-'));
    try {
      await expect(
        shallowClone({
          url: origin.url,
          dir: join(dir, 'clone'),
          auth: { type: 'basic', username: 'fabric', password: 'clone-secret' },
          timeoutMs: 10_000,
          allowInsecure: true,
        }),
      ).rejects.toThrow(/answered with a redirect/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(target.seen.filter((r) => r.authorization)).toEqual([]);
  });

  it('still authenticates to the repository itself', async () => {
    const server = await startGitServer({ username: 'fabric', password: 'own-host-secret' });
    try {
      const bare = await createBareRepo(server.root, 'own');
      await commitFiles(bare, { 'a.yaml': 'x: 1\n' }, 'first');
      const { head } = await lsRemote({
        url: server.url('own'),
        auth: { type: 'basic', username: 'fabric', password: 'own-host-secret' },
        timeoutMs: 10_000,
        allowInsecure: true,
      });
      expect(head).toMatch(/^[0-9a-f]{40}$/);
    } finally {
      await server.close();
    }
  });
});

describe('moving a repository to another server (finding 1)', () => {
  it('asks for the secret again, so that an admin cannot send a stored one to a server of their own', async () => {
    const target = await recorder();
    const secret = `kept-${randomBytes(12).toString('hex')}`;
    const created = await api.post('/repositories', {
      name: `moving-${randomBytes(4).toString('hex')}`,
      url: 'https://git.example.com/org/fabric.git',
      authType: 'token',
      secret,
    });
    expect(created.status).toBe(201);
    const id = created.body.id as number;
    const patch = (body: object) =>
      request(app).patch(`/api/v1/repositories/${id}`).set('Authorization', `Bearer ${ADMIN}`).send(body);
    for (const url of [
      `http://127.0.0.1:${target.port}/org/fabric.git`,
      'https://git.example.com:8443/org/fabric.git',
      'http://git.example.com/org/fabric.git',
      'https://evil.example/org/fabric.git',
      'https://git.example.com.evil.example/org/fabric.git',
    ]) {
      const res = await patch({ url });
      expect(res.status, url).toBe(400);
      expect(res.body.error.details.fields.secret, url).toMatch(
        /enter the secret again: the URL now points at another server/,
      );
    }
    // Nothing changed, so a connection test still goes to the old server only.
    expect((await api.post(`/repositories/${id}/test`)).status).toBe(200);
    expect(target.seen).toEqual([]);
    // The same server under another path or spelling keeps the secret; another server with the secret typed again is fine.
    expect((await patch({ url: 'https://GIT.example.com:443/org/other.git' })).status).toBe(200);
    const moved = await patch({ url: `http://127.0.0.1:${target.port}/org/fabric.git`, secret: 'a-new-secret' });
    expect(moved.status).toBe(200);
    expect(moved.body.hasCredentials).toBe(true);
  });
});

describe('ssh host keys (finding 1)', () => {
  it('refuses a changed host key before the server sees any user or key', async (ctx) => {
    const dir = await mkdtemp(join(tmpdir(), 'hhfm-sshd-'));
    const keygen = (name: string) => run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, name)]);
    await Promise.all([keygen('host'), keygen('other-host'), keygen('client')]);
    // sshd wants its privilege separation directory; without the rights to make it, this case cannot run.
    await mkdir('/run/sshd', { recursive: true }).catch(() => undefined);
    const port = await freePort();
    const sshd = spawn('/usr/sbin/sshd', [
      '-D',
      '-e',
      '-f',
      '/dev/null',
      '-p',
      String(port),
      '-h',
      join(dir, 'host'),
      '-o',
      'ListenAddress=127.0.0.1',
      '-o',
      'PidFile=none',
      '-o',
      'UsePAM=no',
      '-o',
      'StrictModes=no',
    ]);
    let log = '';
    sshd.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    sshd.on('error', () => undefined);
    try {
      for (let i = 0; i < 50 && !log.includes('Server listening'); i++) await new Promise((r) => setTimeout(r, 100));
      if (!log.includes('Server listening')) ctx.skip();
      const keyLine = async (name: string) =>
        `[127.0.0.1]:${port} ${(await readFile(join(dir, `${name}.pub`), 'utf8')).split(' ').slice(0, 2).join(' ')}\n`;
      const privateKey = await readFile(join(dir, 'client'), 'utf8');
      const url = `ssh://git@127.0.0.1:${port}/fabric.git`;
      const attempt = (knownHosts: string) =>
        lsRemote({ url, auth: { type: 'ssh_key', privateKey, knownHosts }, timeoutMs: 10_000 }).then(
          () => null,
          (err: Error & { kind?: string }) => err,
        );
      // The host presents another key than the one the repository was given: nothing more is said.
      const changed = await attempt(await keyLine('other-host'));
      expect(changed?.kind).toBe('auth');
      expect(changed?.message).toMatch(/does not match the pinned known hosts/);
      await new Promise((r) => setTimeout(r, 300));
      expect(log).toMatch(/Connection closed by 127\.0\.0\.1 port \d+ \[preauth\]/);
      expect(log).not.toMatch(/Invalid user|authenticating user|Accepted|Failed publickey|Postponed/);
      // The control: with the right host key the client goes on to offer its user and key.
      const right = await attempt(await keyLine('host'));
      expect(right?.kind).toBe('auth');
      await new Promise((r) => setTimeout(r, 300));
      expect(log).toMatch(/Invalid user git/);
    } finally {
      sshd.kill();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the askpass helper (finding 1)', () => {
  it("answers only for the repository's own scheme, host and port", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hhfm-askpass-'));
    const script = join(dir, 'askpass.sh');
    await writeFile(script, ASKPASS_SCRIPT);
    await chmod(script, 0o700);
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HHFM_GIT_ORIGINS: askpassOrigins('https://Git.Example.com/org/fabric.git').join(' '),
      HHFM_GIT_USERNAME: 'fabric',
      HHFM_GIT_PASSWORD: 'the-password',
    };
    const ask = (prompt: string) =>
      run(script, [prompt], { env }).then(
        (r) => r.stdout,
        () => null,
      );
    try {
      expect(await ask("Username for 'https://git.example.com': ")).toBe('fabric\n');
      expect(await ask("Password for 'https://fabric@git.example.com': ")).toBe('the-password\n');
      expect(await ask("Password for 'https://fabric@GIT.example.com:443': ")).toBe('the-password\n');
      for (const prompt of [
        "Password for 'https://fabric@evil.example': ",
        "Password for 'https://fabric@git.example.com:8443': ",
        "Password for 'http://fabric@git.example.com': ",
        "Password for 'https://fabric@git.example.com.evil.example': ",
        "Password for 'https://git.example.com@evil.example': ",
        "Password for 'https://evil.example/git.example.com': ",
        'Password: ',
        "Enter passphrase for key '/tmp/x': ",
      ])
        expect(await ask(prompt), prompt).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('repository hosts (finding 10)', () => {
  function withHosts(rules: string, production: boolean) {
    setConfig({ ...cfg, gitHosts: { rules: parseHostRules(rules), production } });
  }
  afterAll(() => setConfig(cfg));

  it('refuses loopback and link-local hosts in production unless GIT_ALLOWED_HOSTS lists them', async () => {
    withHosts('', true);
    const port = await freePort();
    const refusedAtCreation = [
      `https://127.0.0.1:${port}/x.git`,
      `https://127.1:${port}/x.git`,
      `https://2130706433:${port}/x.git`,
      `https://0x7f000001:${port}/x.git`,
      `https://localhost:${port}/x.git`,
      `https://[::1]:${port}/x.git`,
      `https://[::ffff:127.0.0.1]:${port}/x.git`,
      `https://0.0.0.0:${port}/x.git`,
      'https://169.254.169.254/latest/meta-data',
      'https://[fe80::1]/x.git',
      `ssh://git@127.0.0.1:${port}/x.git`,
      'git@127.0.0.1:x.git',
    ];
    for (const url of refusedAtCreation) {
      const res = await api.post('/repositories', { name: `internal-${randomBytes(4).toString('hex')}`, url });
      expect(res.status, url).toBe(400);
      expect(res.body.error.details.fields.url, url).toMatch(/is not allowed for repositories \(see GIT_ALLOWED_HOSTS/);
    }
    // Names that resolve to loopback, and numeric spellings ssh would resolve, are refused before git runs.
    for (const url of [`https://vm:${port}/x.git`, `ssh://git@2130706433:${port}/x.git`]) {
      await expect(lsRemote({ url, auth: { type: 'none' }, timeoutMs: 5000 }), url).rejects.toThrow(
        /is not allowed for repositories/,
      );
    }
    withHosts(`127.0.0.1:${port}`, true);
    expect(
      (
        await api.post('/repositories', {
          name: `listed-${randomBytes(4).toString('hex')}`,
          url: `https://127.0.0.1:${port}/x.git`,
        })
      ).status,
    ).toBe(201);
    // The listing names a port: another port of the same host stays refused.
    expect(
      (await api.post('/repositories', { name: 'other-port', url: `https://127.0.0.1:${port + 1}/x.git` })).status,
    ).toBe(400);
    // Outside production (development, these tests) loopback is allowed.
    withHosts('', false);
    expect(
      (
        await api.post('/repositories', {
          name: `dev-${randomBytes(4).toString('hex')}`,
          url: `https://127.0.0.1/x.git`,
        })
      ).status,
    ).toBe(201);
  });

  it('allows only the listed hosts when GIT_ALLOWED_HOSTS is set, and refuses denied ones', async () => {
    withHosts('github.com, *.corp.example, 10.0.0.0/8, !bad.corp.example, !10.9.9.9', false);
    const cases: [string, boolean][] = [
      ['https://github.com/org/fabric.git', true],
      ['https://GitHub.com/org/fabric.git', true],
      ['git@github.com:org/fabric.git', true],
      ['https://git.corp.example/fabric.git', true],
      ['https://bad.corp.example/fabric.git', false],
      ['https://corp.example.evil.example/fabric.git', false],
      ['https://github.com.evil.example/fabric.git', false],
      ['https://10.1.2.3/fabric.git', true],
      ['https://10.9.9.9/fabric.git', false],
      ['https://11.0.0.1/fabric.git', false],
      ['https://gitlab.com/org/fabric.git', false],
    ];
    for (const [url, ok] of cases) {
      const res = await api.post('/repositories', { name: `list-${randomBytes(4).toString('hex')}`, url });
      expect(res.status, url).toBe(ok ? 201 : 400);
      if (!ok) expect(res.body.error.details.fields.url, url).toMatch(/is not allowed for repositories/);
    }
  });

  it('refuses a GIT_ALLOWED_HOSTS entry it does not understand at start-up', () => {
    for (const bad of ['http://github.com', '10.0.0.0/99', 'git hub.com/x', '*']) {
      expect(() => loadConfig({ NODE_ENV: 'test', GIT_ALLOWED_HOSTS: bad }, '/nonexistent'), bad).toThrow(ConfigError);
    }
  });

  const outside = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

  it.skipIf(!outside)(
    'tells an open port from a closed one by no word, in production, for a host no entry lists',
    async () => {
      withHosts('', true);
      // An open port that speaks something else than git, and a closed one, on a non-loopback address.
      const tcp = createTcpServer((socket) => {
        socket.on('error', () => undefined);
        socket.end('SSH-2.0-not-git\r\nHTTP/1.0 200 OK\r\n\r\n');
      });
      await new Promise<void>((resolve) => tcp.listen(0, outside, resolve));
      const open = (tcp.address() as { port: number }).port;
      const web = await listen(
        createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>hello</html>')),
        outside,
      );
      const closed = await freePort();
      const messages = new Set<string>();
      try {
        for (const port of [open, web, closed]) {
          for (const scheme of ['https', 'ssh']) {
            const url = `${scheme}://${outside}:${port}/x.git`;
            const message = await lsRemote({ url, auth: { type: 'none' }, timeoutMs: 5000 }).then(
              () => 'connected',
              (err: Error) => err.message,
            );
            messages.add(
              message.replace(url, '<url>').replace(`${outside}:${port}`, '<host>').replace(String(port), '<port>'),
            );
          }
        }
      } finally {
        tcp.close();
      }
      expect([...messages]).toEqual([
        expect.stringMatching(
          /^could not reach a git server at <host> \(refused, unreachable, TLS or protocol failure\)/,
        ),
      ]);
      // Listed, the same host gets git's own words again.
      withHosts(outside!, true);
      await expect(
        lsRemote({ url: `https://${outside}:${closed}/x.git`, auth: { type: 'none' }, timeoutMs: 5000 }),
      ).rejects.toThrow(/cannot reach .*(Failed to connect|Connection refused|Couldn't connect)/i);
    },
  );

  it('is documented in the README configuration table', async () => {
    const readme = await readFile(join(import.meta.dirname, '../../README.md'), 'utf8');
    expect(readme).toMatch(/\|\s*`GIT_ALLOWED_HOSTS`\s*\|/);
    expect(config().gitHosts).toBeDefined();
  });
});
