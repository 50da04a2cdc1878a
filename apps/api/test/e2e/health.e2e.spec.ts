import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases';
import { startTestApp, type TestApp } from '../support/test-app';

describe.each(DIALECTS)('server on %s', (dialect) => {
  let t: TestApp | undefined;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(async () => t?.close());

  it('answers serverInfo over HTTP and reports its database', async (ctx) => {
    if (!t) return ctx.skip();
    const res = await t.gql('{ serverInfo { database authMode } }');
    expect(res.errors).toBeUndefined();
    expect(res.data.serverInfo).toEqual({ database: dialect, authMode: 'local' });
  });

  it('serves the Sandbox landing page to browsers and refuses CSRF-able GETs', async (ctx) => {
    if (!t) return ctx.skip();
    const page = await t.http().get('/graphql').set('accept', 'text/html');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<!DOCTYPE html>');
    const csrf = await t.http().get('/graphql?query=%7BserverInfo%7Bdatabase%7D%7D');
    expect(csrf.status).toBe(400);
  });

  it('admits Apollo Studio by CORS', async (ctx) => {
    if (!t) return ctx.skip();
    const res = await t.http().options('/graphql').set('origin', 'https://studio.apollographql.com').set('access-control-request-method', 'POST');
    expect(res.headers['access-control-allow-origin']).toBe('https://studio.apollographql.com');
  });

  it('maps an unknown field to a typed error without a stack', async (ctx) => {
    if (!t) return ctx.skip();
    const res = await t.gql('{ nope }');
    expect(res.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors[0].extensions.stacktrace).toBeUndefined();
  });
});
