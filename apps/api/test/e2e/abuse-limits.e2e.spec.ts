import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTokenService } from '../../src/auth/api-token.service';
import { Role } from '../../src/auth/roles';
import { bearer } from '../support/auth-helpers';
import { DIALECTS } from '../support/databases';
import { startTestApp, type TestApp } from '../support/test-app';

const REVOKE_MISSING = 'mutation { revokeApiToken(input: { name: "nobody" }) { name } }';

describe.each(DIALECTS)('abuse limits on %s', (dialect) => {
  let t: TestApp | undefined;
  beforeAll(async () => {
    t = await startTestApp(dialect, { maxQueryDepth: 2, maxQueryComplexity: 50, bodyLimitBytes: 4096, mutationRateLimitPerMinute: 3 });
  });
  afterAll(async () => t?.close());

  it('refuses a query deeper than PODIUM_MAX_QUERY_DEPTH with QUERY_TOO_DEEP (400)', async (ctx) => {
    if (!t) return ctx.skip();
    const res = await t.http().post('/graphql').send({ query: '{ apiTokens(first: 1) { nodes { name } } }' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toEqual({ message: 'Query depth 3 exceeds the limit of 2 (PODIUM_MAX_QUERY_DEPTH)', extensions: { code: 'QUERY_TOO_DEEP', depth: 3, maxDepth: 2 } });
    expect(res.body.data).toBeUndefined();
    expect((await t.gql('{ viewer { name } }')).data).toEqual({ viewer: { name: 'local' } });
  });

  it('keeps the standard introspection query (Apollo Sandbox/Studio) working under a tiny depth limit', async (ctx) => {
    if (!t) return ctx.skip();
    const res = await t.gql(getIntrospectionQuery());
    expect(res.errors).toBeUndefined();
    expect(res.data.__schema.queryType.name).toBe('Query');
    // Introspection counts for neither depth nor complexity: under both limits alongside a normal field.
    const mixed = await t.gql('{ viewer { name } __schema { types { name fields { name type { ofType { ofType { name } } } } } } }');
    expect(mixed.errors).toBeUndefined();
  });

  it('refuses a query above PODIUM_MAX_QUERY_COMPLEXITY with QUERY_TOO_COMPLEX, and `first` multiplies', async (ctx) => {
    if (!t) return ctx.skip();
    const wide = `{ ${Array.from({ length: 26 }, (_, i) => `v${i}: viewer { name }`).join(' ')} }`;
    const res = await t.gql(wide);
    expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX', complexity: 52, maxComplexity: 50 } });
    expect(res.errors?.[0].message).toContain('Query complexity 52 exceeds the limit of 50');
    const page = await t.gql('{ apiTokens(first: 100) { totalCount } }');
    expect(page.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', complexity: 101 });
    expect((await t.gql('{ apiTokens(first: 10) { totalCount } }')).errors).toBeUndefined();
  });

  it('answers a body over PODIUM_BODY_LIMIT_BYTES with 413 and a GraphQL-shaped PAYLOAD_TOO_LARGE error', async (ctx) => {
    if (!t) return ctx.skip();
    const res = await t
      .http()
      .post('/graphql')
      .set('content-type', 'application/json')
      .send({ query: `{ viewer { name } } # ${'x'.repeat(8192)}` });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ errors: [{ message: 'Request body exceeds the limit of 4096 bytes (PODIUM_BODY_LIMIT_BYTES)', extensions: { code: 'PAYLOAD_TOO_LARGE', limitBytes: 4096 } }] });
    const broken = await t.http().post('/graphql').set('content-type', 'application/json').send('{"query": ');
    expect(broken.status).toBe(400);
    expect(broken.body.errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('limits mutations per token with RATE_LIMITED (429, Retry-After); queries and other tokens are not affected', async (ctx) => {
    if (!t) return ctx.skip();
    // Created through the service: createApiToken { token { … } } is deeper than this app's depth limit.
    const { secret } = await t.podium.app.get(ApiTokenService).create({ name: 'busy', role: Role.ADMIN }, null);
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) codes.push((await t.gql(REVOKE_MISSING, {}, bearer(secret))).errors?.[0].extensions.code);
    expect(codes).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND']);
    const limited = await t.http().post('/graphql').set(bearer(secret)).send({ query: REVOKE_MISSING });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.body.errors[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED', limitPerMinute: 3 } });
    expect(limited.body.errors[0].message).toMatch(/^Mutation rate limit of 3 per minute exceeded for "busy"; retry in \d+ s$/);
    expect((await t.gql('{ viewer { name } }', {}, bearer(secret))).data).toEqual({ viewer: { name: 'busy' } });
    // The local admin has its own bucket.
    expect((await t.gql(REVOKE_MISSING)).errors?.[0].extensions.code).toBe('NOT_FOUND');
  });

  it('applies the same limits to operations sent over graphql-ws', async (ctx) => {
    if (!t) return ctx.skip();
    const client = t.ws();
    const errors = await new Promise<any[]>((resolve) => {
      client.subscribe({ query: '{ apiTokens(first: 1) { nodes { name } } }' }, { next: (v) => resolve(v.errors as any[]), error: (e) => resolve(e as any[]), complete: () => undefined });
    });
    expect(errors[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_DEEP' } });
  });
});

describe.each(DIALECTS)('introspection switch on %s', (dialect) => {
  let t: TestApp | undefined;
  beforeAll(async () => {
    t = await startTestApp(dialect, { introspection: false });
  });
  afterAll(async () => t?.close());

  it('refuses introspection when PODIUM_INTROSPECTION=false', async (ctx) => {
    if (!t) return ctx.skip();
    const res = await t.gql('{ __schema { queryType { name } } }');
    expect(res.errors?.[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors?.[0].message).toContain('introspection');
    expect((await t.gql('{ viewer { name } }')).data).toEqual({ viewer: { name: 'local' } });
  });
});
