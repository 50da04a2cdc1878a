import { statSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import request from 'supertest';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTokenEntity } from '../../src/auth/api-token.entity';
import { ApiTokenService } from '../../src/auth/api-token.service';
import { createPodiumApp } from '../../src/app.factory';
import { loadConfig } from '../../src/config/app-config';
import { Database } from '../../src/database/database';
import { bearer, bootstrapSecret, createToken } from '../support/auth-helpers';
import { createTestDatabase, DIALECTS } from '../support/databases';
import { startTestApp, type TestApp } from '../support/test-app';

const VIEWER = '{ viewer { name role expiresAt } }';
const CREATE = 'mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { secret token { id name role prefix status createdBy expiresAt } } }';
const LIST = 'query($all: Boolean) { apiTokens(first: 100, includeRevoked: $all) { totalCount nodes { name role status prefix createdBy revokedBy } } }';
const REVOKE = 'mutation($input: RevokeApiTokenInput!) { revokeApiToken(input: $input) { name status revokedAt revokedBy } }';

describe.each(DIALECTS)('auth with tokens required (PODIUM_AUTH=token) on %s', (dialect) => {
  let t: TestApp | undefined;
  let admin: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp(dialect, { authMode: 'token' });
    if (t) admin = bearer(bootstrapSecret(t));
  });
  afterAll(async () => t?.close());

  it('writes a bootstrap ADMIN token on first start, readable by the owner only', async (ctx) => {
    if (!t) return ctx.skip();
    const file = join(t.podium.config.dataDir, 'admin-token');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(bootstrapSecret(t)).toMatch(/^pod_[A-Za-z0-9_-]{43}$/);
    const res = await t.gql(VIEWER, {}, admin);
    expect(res).toEqual({ data: { viewer: { name: 'bootstrap-admin', role: 'ADMIN', expiresAt: null } } });
  });

  it('refuses a request without a token, from loopback too, naming what is missing', async (ctx) => {
    if (!t) return ctx.skip();
    const res = await t.gql('{ serverInfo { database } }');
    expect(res.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(res.errors?.[0].message).toBe('Authentication required: no Authorization header (expected "Bearer pod_…")');
  });

  it('refuses unknown and malformed tokens without echoing them', async (ctx) => {
    if (!t) return ctx.skip();
    const forged = 'pod_' + 'A'.repeat(43);
    const unknown = await t.gql(VIEWER, {}, bearer(forged));
    expect(unknown.errors?.[0]).toMatchObject({ message: 'Authentication required: unknown token', extensions: { code: 'UNAUTHENTICATED' } });
    const malformed = await t.gql(VIEWER, {}, { authorization: 'Bearer hunter2' });
    expect(malformed.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(malformed)).not.toContain('hunter2');
  });

  it('creates a token whose secret is shown once, lists it without the secret, and records the creator', async (ctx) => {
    if (!t) return ctx.skip();
    const res = await t.gql(CREATE, { input: { name: 'ci', role: 'EDITOR' } }, admin);
    expect(res.errors).toBeUndefined();
    const { secret, token } = res.data.createApiToken;
    expect(token).toMatchObject({ name: 'ci', role: 'EDITOR', status: 'ACTIVE', createdBy: 'bootstrap-admin', expiresAt: null, prefix: secret.slice(0, 10) });
    const list = await t.gql(LIST, {}, admin);
    expect(list.data.apiTokens.nodes.map((n: any) => [n.name, n.role, n.status])).toEqual([
      ['bootstrap-admin', 'ADMIN', 'ACTIVE'],
      ['ci', 'EDITOR', 'ACTIVE'],
    ]);
    expect(JSON.stringify(list)).not.toContain(secret);
    const me = await t.gql(VIEWER, {}, bearer(secret));
    expect(me.data.viewer).toEqual({ name: 'ci', role: 'EDITOR', expiresAt: null });
    const row = await t.podium.app.get(Database).read.findOneByOrFail(ApiTokenEntity, { name: 'ci' });
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(secret.slice(4));
  });

  it('answers FORBIDDEN when the token lacks the role, naming the operation, the role and the token', async (ctx) => {
    if (!t) return ctx.skip();
    const { secret } = await createToken(t, 'reader', 'VIEWER');
    const res = await t.gql(LIST, {}, bearer(secret));
    expect(res.errors?.[0]).toMatchObject({
      message: 'Query.apiTokens requires role ADMIN; token "reader" has role VIEWER',
      extensions: { code: 'FORBIDDEN' },
    });
    expect(res.errors?.[0].message).not.toContain(secret);
  });

  it('refuses a second active token of the same name and an expiry in the past', async (ctx) => {
    if (!t) return ctx.skip();
    await createToken(t, 'dup', 'VIEWER');
    const again = await t.gql(CREATE, { input: { name: 'dup', role: 'ADMIN' } }, admin);
    expect(again.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' } });
    expect(again.errors?.[0].message).toContain('an active token named "dup" already exists');
    const past = await t.gql(CREATE, { input: { name: 'late', role: 'VIEWER', expiresAt: '2020-01-01T00:00:00.000Z' } }, admin);
    expect(past.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(past.errors?.[0].message).toContain('expiresAt must be in the future');
    const badName = await t.gql(CREATE, { input: { name: 'no spaces', role: 'VIEWER' } }, admin);
    expect(badName.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('revokes a token: its very next request fails, the name can be reused, the list records who revoked it', async (ctx) => {
    if (!t) return ctx.skip();
    const { secret } = await createToken(t, 'short-lived', 'EDITOR');
    expect((await t.gql(VIEWER, {}, bearer(secret))).data.viewer.name).toBe('short-lived');
    const revoked = await t.gql(REVOKE, { input: { name: 'short-lived' } }, admin);
    expect(revoked.data.revokeApiToken).toMatchObject({ name: 'short-lived', status: 'REVOKED', revokedBy: 'bootstrap-admin' });
    const after = await t.gql(VIEWER, {}, bearer(secret));
    expect(after.errors?.[0]).toMatchObject({ message: 'Authentication required: token "short-lived" was revoked', extensions: { code: 'UNAUTHENTICATED' } });
    const active = await t.gql(LIST, {}, admin);
    expect(active.data.apiTokens.nodes.map((n: any) => n.name)).not.toContain('short-lived');
    const all = await t.gql(LIST, { all: true }, admin);
    expect(all.data.apiTokens.nodes.find((n: any) => n.name === 'short-lived')).toMatchObject({ status: 'REVOKED', revokedBy: 'bootstrap-admin' });
    await createToken(t, 'short-lived', 'VIEWER');
    const missing = await t.gql(REVOKE, { input: { name: 'never-existed' } }, admin);
    expect(missing.errors?.[0]).toMatchObject({ message: 'api token "never-existed" not found', extensions: { code: 'NOT_FOUND' } });
    const both = await t.gql(REVOKE, { input: {} }, admin);
    expect(both.errors?.[0]).toMatchObject({ message: 'revokeApiToken takes exactly one of id or name', extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('stops an expired token at once and shows it as EXPIRED', async (ctx) => {
    if (!t) return ctx.skip();
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const { secret, id } = await createToken(t, 'temp', 'VIEWER', expiresAt);
    expect((await t.gql(VIEWER, {}, bearer(secret))).data.viewer).toEqual({ name: 'temp', role: 'VIEWER', expiresAt });
    // Move its expiry into the past (as if an hour went by).
    await t.podium.app.get(Database).write((tx) => tx.update(ApiTokenEntity, { id }, { expiresAt: Date.now() - 1 }));
    const res = await t.gql(VIEWER, {}, bearer(secret));
    expect(res.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(res.errors?.[0].message).toMatch(/^Authentication required: token "temp" expired at \d{4}-/);
    const list = await t.gql(LIST, {}, admin);
    expect(list.data.apiTokens.nodes.find((n: any) => n.name === 'temp').status).toBe('EXPIRED');
  });

  it('records when a token was last used', async (ctx) => {
    if (!t) return ctx.skip();
    const { secret, id } = await createToken(t, 'used', 'VIEWER');
    const db = t.podium.app.get(Database);
    expect((await db.read.findOneByOrFail(ApiTokenEntity, { id })).lastUsedAt).toBeNull();
    const before = Date.now();
    await t.gql(VIEWER, {}, bearer(secret));
    let lastUsedAt: number | null = null;
    for (let i = 0; i < 50 && lastUsedAt === null; i++) {
      await new Promise((r) => setTimeout(r, 20));
      lastUsedAt = (await db.read.findOneByOrFail(ApiTokenEntity, { id })).lastUsedAt;
    }
    expect(lastUsedAt).toBeGreaterThanOrEqual(before);
  });

  it('does not create a second bootstrap token on a later start', async (ctx) => {
    if (!t) return ctx.skip();
    const again = await t.podium.app.get(ApiTokenService).bootstrapAdmin(t.podium.config.dataDir);
    expect(again).toBeNull();
    const list = await t.gql(LIST, { all: true }, admin);
    expect(list.data.apiTokens.nodes.filter((n: any) => n.name === 'bootstrap-admin')).toHaveLength(1);
  });
});

describe.each(DIALECTS)('loopback local mode (PODIUM_AUTH=local, the default on 127.0.0.1) on %s', (dialect) => {
  let t: TestApp | undefined;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(async () => t?.close());

  it('treats a loopback request without a token as the local admin', async (ctx) => {
    if (!t) return ctx.skip();
    expect(t.podium.config.authMode).toBe('local');
    expect(await t.gql(VIEWER)).toEqual({ data: { viewer: { name: 'local', role: 'ADMIN', expiresAt: null } } });
    const created = await t.gql(CREATE, { input: { name: 'made-locally', role: 'VIEWER' } });
    expect(created.data.createApiToken.token.createdBy).toBe('local');
  });

  it('refuses the tokenless local admin to pages of other sites (Origin) and to DNS-rebound names (Host)', async (ctx) => {
    if (!t) return ctx.skip();
    const port = new URL(t.podium.url).port;
    const rebound = await t.gql(VIEWER, {}, { host: `attacker.example:${port}` });
    expect(rebound.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(rebound.errors?.[0].message).toContain(`Host "attacker.example:${port}" is not a loopback name`);
    const crossSite = await t.gql(VIEWER, {}, { origin: 'https://attacker.example' });
    expect(crossSite.errors?.[0]).toMatchObject({
      message: 'Authentication required: Origin "https://attacker.example" may not act as the tokenless local admin (allowed: loopback pages and PODIUM_CORS_ORIGINS); send a token',
      extensions: { code: 'UNAUTHENTICATED' },
    });
    for (const origin of [`http://localhost:${port}`, `http://127.0.0.1:${port}`, 'https://studio.apollographql.com']) {
      expect((await t.gql(VIEWER, {}, { origin, host: `localhost:${port}` })).data?.viewer.name).toBe('local');
    }
    const { secret } = await createToken(t, 'from-a-page', 'VIEWER');
    expect((await t.gql(VIEWER, {}, { origin: 'https://attacker.example', ...bearer(secret) })).data?.viewer.name).toBe('from-a-page');
  });

  it("refuses a tokenless graphql-ws connection from another site's page", async (ctx) => {
    if (!t) return ctx.skip();
    class CrossSiteWebSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { origin: 'https://attacker.example' });
      }
    }
    const client = createClient({ url: t.podium.url.replace('http', 'ws') + '/graphql', webSocketImpl: CrossSiteWebSocket, retryAttempts: 0, lazy: true });
    const closed = await new Promise<{ code: number; reason: string }>((resolve) => {
      client.subscribe({ query: '{ viewer { name } }' }, { next: () => undefined, error: (e) => resolve(e as any), complete: () => undefined });
    });
    await client.dispose();
    expect(closed.code).toBe(4401);
    expect(closed.reason).toMatch(/^Unauthenticated: Origin "https:\/\/attacker.example" may not act as the tokenless local admin/);
  });

  it('still verifies a token that is sent: a bad one is UNAUTHENTICATED, a good one is who it says', async (ctx) => {
    if (!t) return ctx.skip();
    const bad = await t.gql(VIEWER, {}, bearer('pod_' + 'B'.repeat(43)));
    expect(bad.errors?.[0]).toMatchObject({ message: 'Authentication required: unknown token', extensions: { code: 'UNAUTHENTICATED' } });
    const { secret } = await createToken(t, 'viewer-on-loopback', 'VIEWER');
    const forbidden = await t.gql(CREATE, { input: { name: 'x', role: 'ADMIN' } }, bearer(secret));
    expect(forbidden.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });
});

describe.each(DIALECTS)('binding to a non-loopback address on %s', (dialect) => {
  it('requires tokens by default (even from loopback), and PODIUM_AUTH=disabled opens everything', async (ctx) => {
    const db = await createTestDatabase(dialect);
    if (!db) return ctx.skip();
    const base = { ...db.config, port: 0, localWorker: false, seedDemo: false };
    const tokenApp = await createPodiumApp(loadConfig({ HOST: '0.0.0.0' }, base), { logger: false });
    try {
      expect(tokenApp.config.authMode).toBe('token');
      const res = await request(tokenApp.app.getHttpServer()).post('/graphql').send({ query: VIEWER });
      expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    } finally {
      await tokenApp.close();
    }
    const openApp = await createPodiumApp(loadConfig({ HOST: '0.0.0.0', PODIUM_AUTH: 'disabled' }, base), { logger: false });
    try {
      const res = await request(openApp.app.getHttpServer()).post('/graphql').send({ query: VIEWER });
      expect(res.body).toEqual({ data: { viewer: { name: 'local', role: 'ADMIN', expiresAt: null } } });
    } finally {
      await openApp.close();
      await db.drop();
    }
  });
});
