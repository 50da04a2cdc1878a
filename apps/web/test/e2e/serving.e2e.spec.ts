// The api serves the built page at / with its headers, falls back to index.html for the page's routes, and leaves
// the api's own paths (and their JSON 404s) alone. Needs `npm run build` (npm test does).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../api/test/support/test-app';

const DIST = resolve(__dirname, '../../../../dist/web');

describe('serving the page (apps/api/src/web)', () => {
  let t: TestApp;
  let asset: string;

  beforeAll(async () => {
    if (!existsSync(`${DIST}/index.html`)) throw new Error('dist/web is missing: run `npm run build` first');
    asset = /src="(\/assets\/[^"]+\.js)"/.exec(readFileSync(`${DIST}/index.html`, 'utf8'))![1];
    t = (await startTestApp('sqlite'))!;
  });
  afterAll(async () => t?.close());

  it('answers / and any route of the page with index.html, never cached, with a strict CSP and nosniff', async () => {
    for (const path of ['/', '/experiments/abc', '/runs/0123abcd', '/models/person-detector/versions/2']) {
      const res = await t.http().get(path).set('accept', 'text/html');
      expect(res.status, path).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['content-security-policy']).toMatch(/style-src 'self'(;|$)/);
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.text).toContain('<div id="root"></div>');
    }
  });

  it('serves hashed assets with their type, cached for a year', async () => {
    const res = await t.http().get(asset);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves the offline GraphiQL at /graphiql (inline styles allowed for its editor only)', async () => {
    const res = await t.http().get('/graphiql').set('accept', 'text/html');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<div id="graphiql"></div>');
    expect(res.headers['content-security-policy']).toContain("style-src 'self' 'unsafe-inline'");
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('leaves the api its paths: GraphQL, artifacts, and JSON 404s for unknown api-like paths', async () => {
    const gql = await t.gql('{ serverInfo { database } }');
    expect(gql.data).toEqual({ serverInfo: { database: 'sqlite' } });
    const sandbox = await t.http().get('/graphql').set('accept', 'text/html');
    expect(sandbox.text).not.toContain('<div id="root">');
    const artifacts = await t.http().get('/artifacts/x').set('accept', 'text/html');
    expect(artifacts.status).toBe(400);
    expect(artifacts.body).toEqual({ error: { code: 'BAD_USER_INPUT', message: 'Expected /artifacts/{runId}/{path}' } });
    const datasets = await t.http().get('/datasets/nope').set('accept', 'text/html');
    expect(datasets.headers['content-type']).toMatch(/^application\/json/);
    // Unknown paths under the api's prefixes: JSON 404s, MLflow's shape under MLflow's prefixes, the house shape else.
    for (const path of ['/api/2.0/mlflow/no-such-route', '/ajax-api/2.0/mlflow/nope']) {
      const res = await t.http().get(path).set('accept', 'text/html');
      expect(res.status, path).toBe(404);
      expect(res.headers['content-type'], path).toMatch(/^application\/json/);
      expect(res.body, path).toMatchObject({ error_code: 'ENDPOINT_NOT_FOUND' });
    }
    const upper = await t.http().get('/API/x').set('accept', 'text/html');
    expect([upper.status, upper.body.error?.code]).toEqual([404, 'NOT_FOUND']);
    // The api's own routes answer as themselves, never with index.html (MLflow refuses a call without its run id).
    const mlflow = await t.http().get('/api/2.0/mlflow/runs/get').set('accept', 'text/html');
    expect(mlflow.status).toBe(400);
    expect(mlflow.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    for (const path of ['/api/2.0/mlflow/runs/get', '/healthz', '/readyz', '/metrics']) {
      const res = await t.http().get(path).set('accept', 'text/html');
      expect(res.text, path).not.toContain('<div id="root">');
    }
  });

  it('a missing file, a dotfile or a path escape is a JSON 404, not index.html', async () => {
    for (const path of ['/assets/nope.js', '/favicon.ico', '/.vite/manifest.json', '/assets/%2e%2e/index.html', '/assets/..%2f..%2fpackage.json', '/x/%2e%2e', '/%E0%A4%A']) {
      const res = await t.http().get(path).set('accept', 'text/html');
      // A malformed percent-encoding is refused by the router itself (400).
      expect(res.status, path).toBe(path.startsWith('/%E0') ? 400 : 404);
      expect(res.text, path).not.toContain('<div id="root">');
    }
  });

  it('an api client asking for JSON on an unknown path gets a JSON 404; other methods are not the page', async () => {
    const json = await t.http().get('/nope').set('accept', 'application/json');
    expect(json.status).toBe(404);
    expect(json.body).toEqual({ error: { code: 'NOT_FOUND', message: 'Cannot GET /nope' } });
    const post = await t.http().post('/experiments/abc').set('accept', 'text/html');
    expect(post.status).toBe(404);
  });
});
