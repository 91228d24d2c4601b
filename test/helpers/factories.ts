import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { hashPassword } from '../../src/auth/passwords';
import { createToken } from '../../src/auth/tokens';
import { db, type Role, type User } from '../../src/db';

export const PASSWORD = 'correct horse battery staple';
let hashed: Promise<string> | undefined;

/** A unique name for this test run: files run in parallel without cleaning up. */
export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** A user with PASSWORD. */
export async function buildUser(props: { role?: Role; username?: string; disabled?: boolean } = {}): Promise<User> {
  hashed ??= hashPassword(PASSWORD);
  return db().user.create({
    data: { username: props.username ?? unique(props.role ?? 'viewer'), role: props.role ?? 'viewer', disabled: props.disabled ?? false, passwordHash: await hashed },
  });
}

/** A bearer token for a new user of the role. */
export async function tokenFor(role: Role, writeEnabled = true): Promise<{ user: User; token: string }> {
  const user = await buildUser({ role });
  const { token } = await createToken({ userId: user.id, name: 'test', writeEnabled });
  return { user, token };
}

export interface SignedIn {
  agent: TestAgent;
  user: User;
  csrf: string;
}

/** Pulls the CSRF token out of a rendered page. */
export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token in the page');
  return match[1]!;
}

/** A supertest agent with a logged-in session of a new user of the role, and its CSRF token. */
export async function signInAs(app: Express, role: Role): Promise<SignedIn> {
  const user = await buildUser({ role });
  const agent = request.agent(app);
  const login = await agent.get('/login');
  const res = await agent.post('/login').type('form').send({ username: user.username, password: PASSWORD, _csrf: csrfFrom(login.text) });
  if (res.status !== 302) throw new Error(`login failed: ${res.status} ${res.text.slice(0, 200)}`);
  const home = await agent.get('/');
  return { agent, user, csrf: csrfFrom(home.text) };
}
