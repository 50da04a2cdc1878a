// Token lifecycle through the real repository on SQLite and PostgreSQL: the CLI commands, verification, bootstrap,
// races on a name, and the sweep that closes connections of tokens revoked by another process.
import 'reflect-metadata';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTokenEntity } from '../../src/auth/api-token.entity';
import { ApiTokenRepository } from '../../src/auth/api-token.repository';
import { ApiTokenService } from '../../src/auth/api-token.service';
import { AuthService } from '../../src/auth/auth.service';
import { ConnectionRegistry } from '../../src/auth/connection-registry';
import { Role } from '../../src/auth/roles';
import { runTokenCommand } from '../../src/cli/token';
import { loadConfig } from '../../src/config/app-config';
import type { Database } from '../../src/database/database';
import { createTestDatabase, DIALECTS, type TestDatabase, openDatabase } from '../support/databases';

describe.each(DIALECTS)('api tokens on %s', (dialect) => {
  let tdb: TestDatabase | undefined;
  let db: Database;
  let repo: ApiTokenRepository;
  let registry: ConnectionRegistry;
  let tokens: ApiTokenService;
  let auth: AuthService;
  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
    if (!tdb) return;
    const config = loadConfig({}, { ...tdb.config, authMode: 'token' });
    db = await openDatabase(config);
    repo = new ApiTokenRepository(db);
    registry = new ConnectionRegistry(repo);
    tokens = new ApiTokenService(db, repo, registry);
    auth = new AuthService(config, db, repo, registry);
  });
  afterAll(async () => {
    registry?.onApplicationShutdown();
    await db?.close();
    await tdb?.drop();
  });

  it('bootstraps one ADMIN token into <dataDir>/admin-token (0600) on an empty table, and only then', async (ctx) => {
    if (!tdb) return ctx.skip();
    const dir = tdb.config.dataDir;
    const [first, second] = await Promise.all([tokens.bootstrapAdmin(dir), tokens.bootstrapAdmin(dir)]);
    expect([first, second].filter(Boolean)).toEqual([join(dir, 'admin-token')]);
    expect(statSync(join(dir, 'admin-token')).mode & 0o777).toBe(0o600);
    const secret = readFileSync(join(dir, 'admin-token'), 'utf8').trim();
    expect((await auth.resolve(`Bearer ${secret}`, '10.0.0.1')).identity).toMatchObject({ name: 'bootstrap-admin', role: Role.ADMIN });
    expect(await tokens.bootstrapAdmin(dir)).toBeNull();
  });

  it('creates from the CLI (secret printed once), lists, and revokes by name', async (ctx) => {
    if (!tdb) return ctx.skip();
    const out: string[] = [];
    const notes: string[] = [];
    await runTokenCommand(
      ['create', '--name', 'ci', '--role', 'editor', '--expires', '30d'],
      tokens,
      (l) => out.push(l),
      (l) => notes.push(l),
    );
    expect(out).toHaveLength(1);
    const secret = out[0];
    expect(secret).toMatch(/^pod_[A-Za-z0-9_-]{43}$/);
    expect(notes).toEqual([expect.stringMatching(/^created EDITOR token "ci" \(pod_.{6}…\), expires \d{4}-.*; the secret above is not shown again$/)]);
    expect(notes[0]).not.toContain(secret);
    const who = await auth.resolve(`Bearer ${secret}`, '10.0.0.1');
    expect(who.identity).toMatchObject({ name: 'ci', role: Role.EDITOR });
    expect(who.identity!.expiresAt! - Date.now()).toBeGreaterThan(29.9 * 86_400_000);
    const row = await db.read.findOneByOrFail(ApiTokenEntity, { name: 'ci' });
    expect(row.createdBy).toBe('cli');

    const listed: string[] = [];
    await runTokenCommand(['list'], tokens, (l) => listed.push(l));
    expect(listed[0].split('\t')).toEqual(['NAME', 'ROLE', 'STATUS', 'PREFIX', 'CREATED', 'EXPIRES', 'LAST USED']);
    expect(listed.slice(1).map((l) => l.split('\t').slice(0, 4))).toEqual([
      ['bootstrap-admin', 'ADMIN', 'ACTIVE', expect.stringMatching(/^pod_/)],
      ['ci', 'EDITOR', 'ACTIVE', secret.slice(0, 10)],
    ]);
    expect(listed.join('\n')).not.toContain(secret);

    const revoked: string[] = [];
    await runTokenCommand(['revoke', '--name', 'ci'], tokens, (l) => revoked.push(l));
    expect(revoked[0]).toMatch(/^revoked token "ci"/);
    expect(await auth.resolve(`Bearer ${secret}`, '10.0.0.1')).toEqual({ identity: null, problem: 'token "ci" was revoked' });
    await expect(runTokenCommand(['create', '--name', 'x', '--role', 'OWNER'], tokens, () => undefined)).rejects.toThrow('--role must be one of VIEWER, EDITOR, ADMIN, WORKER, got "OWNER"');
    await expect(runTokenCommand(['rotate'], tokens, () => undefined)).rejects.toThrow(/^usage:/);
  });

  it('refuses from the CLI the token names that createApiToken refuses', async (ctx) => {
    if (!tdb) return ctx.skip();
    for (const name of ['has space', '-dash-first', 'x'.repeat(129)]) {
      await expect(runTokenCommand(['create', '--name', name, '--role', 'VIEWER'], tokens, () => undefined)).rejects.toMatchObject({
        code: 'BAD_USER_INPUT',
        message: expect.stringMatching(/^name may contain letters, digits and \. _ @ - \(starting with a letter or digit\), at most 128 characters; got "/),
      });
    }
    expect(await db.read.countBy(ApiTokenEntity, { role: Role.VIEWER, createdBy: 'cli' })).toBe(0);
  });

  it('revokes from the CLI by an id that is not a uuid: NOT_FOUND on both databases', async (ctx) => {
    if (!tdb) return ctx.skip();
    await expect(runTokenCommand(['revoke', '--id', 'not-a-uuid'], tokens, () => undefined)).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'api token "not-a-uuid" not found' });
  });

  it('lets exactly one of two concurrent creates of the same name win', async (ctx) => {
    if (!tdb) return ctx.skip();
    const results = await Promise.allSettled([tokens.create({ name: 'race', role: Role.VIEWER }, null), tokens.create({ name: 'race', role: Role.ADMIN }, null)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toMatchObject({ code: 'CONFLICT' });
    expect((await repo.list(undefined, 100, false)).rows.filter((r) => r.name === 'race')).toHaveLength(1);
  });

  it('pages the list with an opaque cursor', async (ctx) => {
    if (!tdb) return ctx.skip();
    for (const n of ['p1', 'p2', 'p3']) await tokens.create({ name: n, role: Role.VIEWER }, null);
    const names: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page = await tokens.list(2, after, true);
      names.push(...page.nodes.map((n) => n.name));
      after = page.hasNextPage ? page.endCursor : null;
      pages++;
    } while (after);
    const total = (await tokens.list(100, null, true)).totalCount;
    expect(names).toHaveLength(total);
    expect(new Set(names).size).toBe(total);
    expect(pages).toBe(Math.ceil(total / 2));
  });

  it('sweeps open connections: closes those whose token was revoked or expired elsewhere, keeps the others', async (ctx) => {
    if (!tdb) return ctx.skip();
    const a = await tokens.create({ name: 'sweep-a', role: Role.VIEWER }, null);
    const b = await tokens.create({ name: 'sweep-b', role: Role.VIEWER }, null);
    const c = await tokens.create({ name: 'sweep-c', role: Role.VIEWER, expiresAt: new Date(Date.now() + 3_600_000) }, null);
    const closed: string[] = [];
    for (const [name, created] of [
      ['a', a],
      ['b', b],
      ['c', c],
    ] as const) {
      const identity = (await auth.verifySecret(created.secret)).identity!;
      registry.track(identity, { close: (code, reason) => closed.push(`${name} ${code} ${reason}`) });
    }
    await db.write((tx) => repo.markRevoked(tx, a.token.id, Date.now(), 'cli'));
    await db.write((tx) => tx.update(ApiTokenEntity, { id: c.token.id }, { expiresAt: Date.now() - 1 }));
    await registry.sweep();
    expect(closed.sort()).toEqual(['a 4403 token revoked', 'c 4403 token expired']);
    expect(registry.openConnections(b.token.id)).toBe(1);
    expect(registry.openConnections(a.token.id)).toBe(0);
  });
});
