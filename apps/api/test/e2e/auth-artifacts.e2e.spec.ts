// Artifact routes use the same bearer header and roles as GraphQL; what a token writes records its name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, bootstrapSecret, createToken } from '../support/auth-helpers';
import { DIALECTS } from '../support/databases';
import { startTestApp, type TestApp } from '../support/test-app';

describe.each(DIALECTS)('artifact routes and identity with tokens on %s', (dialect) => {
  let t: TestApp | undefined;
  let editor: Record<string, string>;
  let viewer: Record<string, string>;
  let runId: string;
  beforeAll(async () => {
    t = await startTestApp(dialect, { authMode: 'token' });
    if (!t) return;
    editor = bearer((await createToken(t, 'trainer', 'EDITOR')).secret);
    viewer = bearer((await createToken(t, 'dashboard', 'VIEWER')).secret);
    const exp = await t.gql('mutation { createExperiment(input: { name: "auth-artifacts" }) { id createdBy } }', {}, editor);
    expect(exp.data.createExperiment.createdBy).toBe('trainer');
    const run = await t.gql('mutation($e: ID!) { createRun(input: { experimentId: $e, name: "r1" }) { id createdBy } }', { e: exp.data.createExperiment.id }, editor);
    expect(run.data.createRun.createdBy).toBe('trainer');
    runId = run.data.createRun.id;
  });
  afterAll(async () => t?.close());

  it('records the token name as the creator of what it writes', async (ctx) => {
    if (!t) return ctx.skip();
    const res = await t.gql('query($id: ID!) { run(id: $id) { createdBy } }', { id: runId }, viewer);
    expect(res.data.run.createdBy).toBe('trainer');
  });

  it('PUT needs EDITOR: 401 without or with a bad token, 403 for a VIEWER, 201 for an EDITOR', async (ctx) => {
    if (!t) return ctx.skip();
    const url = `/artifacts/${runId}/weights/best.onnx`;
    const none = await t.http().put(url).set('content-type', 'application/octet-stream').send(Buffer.from('onnx'));
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('UNAUTHENTICATED');
    const bad = await t
      .http()
      .put(url)
      .set(bearer('pod_' + 'D'.repeat(43)))
      .set('content-type', 'application/octet-stream')
      .send(Buffer.from('onnx'));
    expect(bad.status).toBe(401);
    expect(bad.body.error.message).toBe('Authentication required: unknown token');
    const forbidden = await t.http().put(url).set(viewer).set('content-type', 'application/octet-stream').send(Buffer.from('onnx'));
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error).toEqual({ code: 'FORBIDDEN', message: `PUT ${url} requires role EDITOR; token "dashboard" has role VIEWER` });
    const ok = await t.http().put(url).set(editor).set('content-type', 'application/octet-stream').send(Buffer.from('onnx'));
    expect(ok.status).toBe(201);
  });

  it('GET needs VIEWER, and a revoked token stops at once', async (ctx) => {
    if (!t) return ctx.skip();
    const { secret } = await createToken(t, 'downloader', 'VIEWER');
    const url = `/artifacts/${runId}/weights/best.onnx`;
    const none = await t.http().get(url);
    expect(none.status).toBe(401);
    const ok = await t
      .http()
      .get(url)
      .set(bearer(secret))
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(ok.status).toBe(200);
    expect((ok.body as Buffer).toString()).toBe('onnx');
    await t.gql('mutation { revokeApiToken(input: { name: "downloader" }) { status } }', {}, bearer(bootstrapSecret(t)));
    const after = await t.http().get(url).set(bearer(secret));
    expect(after.status).toBe(401);
    expect(after.body.error.message).toBe('Authentication required: token "downloader" was revoked');
  });
});
