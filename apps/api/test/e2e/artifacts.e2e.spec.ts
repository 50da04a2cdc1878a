import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactEntity } from '../../src/artifacts/artifact.entity';
import type { ArtifactUploadedEvent } from '../../src/artifacts/artifact-events';
import { ArtifactsService } from '../../src/artifacts/artifacts.service';
import { Database } from '../../src/database/database';
import { ExperimentEntity } from '../../src/experiments/experiment.entity';
import { PUB_SUB, type PodiumPubSub } from '../../src/graphql/pubsub';
import { RunKind, RunStatus } from '../../src/runs/run-kind';
import { RunEntity } from '../../src/runs/run.entity';
import { bearer, bootstrapSecret, createToken } from '../support/auth-helpers';
import { DIALECTS } from '../support/databases';
import { startTestApp, type TestApp } from '../support/test-app';

const MODEL = readFileSync(resolve(__dirname, '../../../../assets/models/yolox_nano.onnx'));
const MODEL_SHA = createHash('sha256').update(MODEL).digest('hex');
const MAX_BYTES = 5 * 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(DIALECTS)('artifacts on %s', (dialect) => {
  let t: TestApp | undefined;
  let db: Database;
  let runId: string;
  let store: string;

  beforeAll(async () => {
    t = await startTestApp(dialect, { artifactMaxBytes: MAX_BYTES });
    if (!t) return;
    db = t.podium.app.get(Database);
    store = join(t.podium.config.dataDir, 'artifacts');
    const experimentId = randomUUID();
    runId = randomUUID();
    await db.write(async (tx) => {
      await tx.insert(ExperimentEntity, { id: experimentId, name: 'artifacts', description: null, tags: [], lifecycle: 'active', createdBy: 'local' });
      await tx.insert(RunEntity, {
        id: runId,
        experimentId,
        name: 'r',
        kind: RunKind.TRAINING,
        status: RunStatus.RUNNING,
        startTime: Date.now(),
        endTime: null,
        parentRunId: null,
        createdBy: 'local',
        lifecycle: 'active',
        nextSequence: 0,
        evaluationDataset: null,
      });
    });
  });
  afterAll(async () => t?.close());

  const rows = (path: string) => db.read.getRepository(ArtifactEntity).findBy({ runId, path });
  const incoming = () => (existsSync(join(store, '.incoming')) ? readdirSync(join(store, '.incoming')) : []);
  /** Every blob in the store and every row's sha256: equal when nothing is left behind. */
  const blobs = () =>
    existsSync(join(store, 'blobs'))
      ? readdirSync(join(store, 'blobs'), { recursive: true })
          .map(String)
          .filter((p) => /[0-9a-f]{64}$/.test(p))
          .map((p) => p.slice(-64))
          .sort()
      : [];
  const referenced = async () => [...new Set((await db.read.getRepository(ArtifactEntity).find()).map((r) => r.sha256))].sort();

  it('round-trips an ONNX checkpoint with its sha256, records it and announces it after commit', async (ctx) => {
    if (!t) return ctx.skip();
    const service = t.podium.app.get(ArtifactsService);
    const seen: string[] = [];
    const off = service.onArtifactStored((row) => void seen.push(`${row.path}@${row.epoch}`));
    const pubSub = t.podium.app.get<PodiumPubSub>(PUB_SUB);
    const events = pubSub.subscribe('ARTIFACT_UPLOADED')[Symbol.asyncIterator]();
    const next = events.next();

    const put = await t.http().put(`/artifacts/${runId}/weights/epoch3.onnx?epoch=3`).set('content-type', 'application/octet-stream').send(MODEL);
    off();
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ path: 'weights/epoch3.onnx', size: MODEL.length, sha256: MODEL_SHA, epoch: 3 });
    expect(seen).toEqual(['weights/epoch3.onnx@3']);
    const event = (await next).value as ArtifactUploadedEvent;
    expect(event).toMatchObject({ runId, path: 'weights/epoch3.onnx', sha256: MODEL_SHA, epoch: 3, createdBy: 'local' });
    await events.return?.();

    const get = await t
      .http()
      .get(`/artifacts/${runId}/weights/epoch3.onnx`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(get.status).toBe(200);
    expect(
      createHash('sha256')
        .update(get.body as Buffer)
        .digest('hex'),
    ).toBe(MODEL_SHA);
    expect(get.headers['x-podium-sha256']).toBe(MODEL_SHA);
    expect(await rows('weights/epoch3.onnx')).toMatchObject([{ size: MODEL.length, sha256: MODEL_SHA, epoch: 3, createdBy: 'local' }]);
    // Stored once, under its sha256 (docs/artifacts.md): no file at the run's path.
    expect(readFileSync(join(store, 'blobs', MODEL_SHA.slice(0, 2), MODEL_SHA.slice(2, 4), MODEL_SHA)).equals(MODEL)).toBe(true);
    expect(existsSync(join(store, runId))).toBe(false);
  });

  it('lists them on Run.artifacts with a working downloadUrl', async (ctx) => {
    if (!t) return ctx.skip();
    await t.http().put(`/artifacts/${runId}/reports/val%20report.html`).set('content-type', 'text/html').send('<h1>val</h1>');
    const res = await t.gql(`query($id: ID!) { run(id: $id) { artifacts { path size sha256 epoch contentType createdBy downloadUrl } } }`, { id: runId });
    expect(res.errors).toBeUndefined();
    const listed = res.data.run.artifacts;
    expect(listed.map((a: { path: string }) => a.path)).toEqual(expect.arrayContaining(['weights/epoch3.onnx', 'reports/val report.html']));
    expect(listed.find((a: { path: string }) => a.path === 'weights/epoch3.onnx')).toMatchObject({ size: MODEL.length, sha256: MODEL_SHA, epoch: 3, createdBy: 'local' });
    const report = listed.find((a: { path: string }) => a.path === 'reports/val report.html');
    expect(report).toMatchObject({ contentType: 'text/html', epoch: null, downloadUrl: `/artifacts/${runId}/reports/val%20report.html` });
    const download = await t.http().get(report.downloadUrl);
    expect(download.status).toBe(200);
    expect(download.text).toBe('<h1>val</h1>');
  });

  it('shows raster images and text inline with nosniff; HTML, SVG and the rest only as attachments', async (ctx) => {
    if (!t) return ctx.skip();
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d1f5d90000000049454e44ae426082', 'hex');
    const cases: Array<[string, string, string | Buffer, string, RegExp]> = [
      ['plots/results.png', 'image/png', png, 'image/png', /^inline; filename\*=UTF-8''results\.png$/],
      ['results.csv', 'text/csv', 'epoch,map50\n0,0.1\n', 'text/csv; charset=utf-8', /^inline;/],
      ['evil.html', 'text/html', '<script>alert(1)</script>', 'text/html', /^attachment;/],
      ['evil.svg', 'image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', 'image/svg+xml', /^attachment;/],
    ];
    for (const [path, type, body, served, disposition] of cases) {
      expect((await t.http().put(`/artifacts/${runId}/${path}`).set('content-type', type).send(body)).status, path).toBe(201);
      const res = await t.http().get(`/artifacts/${runId}/${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers['content-type'], path).toBe(served);
      expect(res.headers['content-disposition'], path).toMatch(disposition);
      expect(res.headers['x-content-type-options'], path).toBe('nosniff');
      expect(res.headers['content-security-policy'], path).toBe("default-src 'none'; sandbox");
    }
  });

  it('stores an upload addressed by the upper-case run id under the run itself (row, file and download)', async (ctx) => {
    if (!t) return ctx.skip();
    const put = await t.http().put(`/artifacts/${runId.toUpperCase()}/notes/upper.txt`).send('upper');
    expect(put.status).toBe(201);
    expect(put.body.runId).toBe(runId);
    expect(await rows('notes/upper.txt')).toHaveLength(1);
    const res = await t.gql(`query($id: ID!) { run(id: $id) { artifacts { path } } }`, { id: runId });
    expect(res.data.run.artifacts.map((a: { path: string }) => a.path)).toContain('notes/upper.txt');
    for (const id of [runId, runId.toUpperCase()]) {
      const download = await t.http().get(`/artifacts/${id}/notes/upper.txt`);
      expect(download.status).toBe(200);
      expect(download.text).toBe('upper');
    }
  });

  it('replaces an artifact re-uploaded at the same path (new sha, one row)', async (ctx) => {
    if (!t) return ctx.skip();
    await t.http().put(`/artifacts/${runId}/notes.txt`).set('content-type', 'text/plain').send('first');
    const second = await t.http().put(`/artifacts/${runId}/notes.txt`).set('content-type', 'text/plain').send('second');
    expect(second.status).toBe(201);
    const sha = createHash('sha256').update('second').digest('hex');
    expect(await rows('notes.txt')).toMatchObject([{ sha256: sha, size: 6, epoch: null, contentType: 'text/plain' }]);
    const get = await t.http().get(`/artifacts/${runId}/notes.txt`);
    expect(get.text).toBe('second');
  });

  it.each([
    ['a parent segment', '../x'],
    ['an encoded parent segment', '%2e%2e/x'],
    ['a parent segment inside', 'a/%2E%2E/%2E%2E/x'],
    ['an encoded slash to a parent', 'a%2F..%2Fx'],
    ['an absolute path', '/etc/passwd'],
    ['an encoded absolute path', '%2Fetc%2Fpasswd'],
  ])('refuses %s with 400 and stores nothing', async (_name, path) => {
    if (!t) return;
    // A raw request: HTTP clients normalise "../" in URLs, an attacker's would not.
    const res = await rawRequest(t.podium.url, 'PUT', `/artifacts/${runId}/${path}`, Buffer.from('evil'));
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.code).toBe('BAD_USER_INPUT');
    expect(JSON.parse(res.body).error.message).toMatch(/Artifact path/);
    expect(existsSync(resolve(store, 'x'))).toBe(false);
    expect(existsSync(resolve(store, runId, '..', 'x'))).toBe(false);
  });

  it('answers 404 for an unknown run and an unknown artifact', async (ctx) => {
    if (!t) return ctx.skip();
    const unknown = randomUUID();
    const put = await t.http().put(`/artifacts/${unknown}/a.txt`).send('x');
    expect(put.status).toBe(404);
    expect(put.body.error).toEqual({ code: 'NOT_FOUND', message: `Run "${unknown}" not found`, what: 'Run', id: unknown });
    const bad = await t.http().put(`/artifacts/not-a-uuid/a.txt`).send('x');
    expect(bad.status).toBe(404);
    const get = await t.http().get(`/artifacts/${runId}/missing.bin`);
    expect(get.status).toBe(404);
    expect(get.body.error.code).toBe('NOT_FOUND');
    expect(existsSync(join(store, unknown))).toBe(false);
  });

  it('refuses an oversize upload with 413 and leaves no file and no row (declared and streamed)', async (ctx) => {
    if (!t) return ctx.skip();
    const big = Buffer.alloc(MAX_BYTES + 1, 7);
    const declared = await rawRequest(t.podium.url, 'PUT', `/artifacts/${runId}/big.bin`, big);
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body).error.code).toBe('PAYLOAD_TOO_LARGE');
    const streamed = await rawRequest(t.podium.url, 'PUT', `/artifacts/${runId}/big.bin`, big, { chunked: true });
    expect(streamed.status).toBe(413);
    expect(await rows('big.bin')).toEqual([]);
    expect(incoming()).toEqual([]);
    expect(blobs()).toEqual(await referenced());
  });

  it('leaves nothing behind when the client aborts mid-upload', async (ctx) => {
    if (!t) return ctx.skip();
    const url = new URL(`/artifacts/${runId}/aborted.onnx`, t.podium.url);
    const req = httpRequest(url, { method: 'PUT', headers: { 'content-length': String(MODEL.length) } });
    req.on('error', () => undefined);
    req.write(MODEL.subarray(0, 1024 * 1024));
    // Wait until the server is writing the temp file, then cut the connection.
    for (let i = 0; i < 100 && incoming().length === 0; i++) await sleep(20);
    expect(incoming().length).toBe(1);
    req.destroy();
    for (let i = 0; i < 100 && incoming().length > 0; i++) await sleep(20);
    expect(incoming()).toEqual([]);
    expect(await rows('aborted.onnx')).toEqual([]);
    expect(blobs()).toEqual(await referenced());
  });

  it('refuses a bad epoch and a file/directory clash with clear errors', async (ctx) => {
    if (!t) return ctx.skip();
    const epoch = await t.http().put(`/artifacts/${runId}/e.onnx?epoch=-1`).send('x');
    expect(epoch.status).toBe(400);
    expect(epoch.body.error.message).toMatch(/epoch must be a non-negative integer/);
    // Refused after the body has been read: answered all the same.
    const clash = await t.http().put(`/artifacts/${runId}/weights`).send('x');
    expect(clash.status).toBe(409);
    expect(clash.body.error).toMatchObject({ code: 'CONFLICT', message: 'Artifact path "weights" clashes with "weights/epoch3.onnx" (a file and a folder of the same name)' });
    expect(await rows('weights')).toEqual([]);
    expect(incoming()).toEqual([]);
    expect(blobs()).toEqual(await referenced());
  });

  it('refuses a path segment over 255 bytes or a path over 1024 bytes as BAD_USER_INPUT before reading the body', async (ctx) => {
    if (!t) return ctx.skip();
    const segment = await rawRequest(t.podium.url, 'PUT', `/artifacts/${runId}/dir/${'a'.repeat(256)}`, MODEL);
    expect(segment.status).toBe(400);
    expect(JSON.parse(segment.body).error).toMatchObject({ code: 'BAD_USER_INPUT', message: `Artifact path "dir/${'a'.repeat(256)}" has a segment longer than 255 bytes` });
    const total = await rawRequest(t.podium.url, 'PUT', `/artifacts/${runId}/${Array.from({ length: 5 }, () => 'b'.repeat(250)).join('/')}`, Buffer.from('x'));
    expect(total.status).toBe(400);
    expect(JSON.parse(total.body).error.message).toMatch(/is longer than 1024 bytes$/);
    expect(incoming()).toEqual([]);
  });

  it('answers an unexpected failure after the body was read with 500 INTERNAL_SERVER_ERROR, stores nothing, and keeps serving', async (ctx) => {
    if (!t) return ctx.skip();
    // A commit the database refuses (test-only trigger): the body has been read and the blob placed when it fails.
    const doomed = 'application/x-doomed-at-commit';
    await db.write(async (tx) => {
      for (const sql of DOOM_AT_COMMIT[dialect]) await tx.query(sql.replaceAll('DOOMED', doomed));
    });
    const res = await t.http().put(`/artifacts/${runId}/doomed.bin`).set('content-type', doomed).set('x-request-id', 'doomed-upload-1').send('never stored');
    expect(res.status).toBe(500);
    expect(res.headers['x-request-id']).toBe('doomed-upload-1');
    expect(res.body).toEqual({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' } });
    expect(await rows('doomed.bin')).toEqual([]);
    expect(incoming()).toEqual([]);
    expect(blobs()).toEqual(await referenced());
    const next = await t.http().put(`/artifacts/${runId}/after-doomed.txt`).send('fine');
    expect(next.status).toBe(201);
  });

  it('gives every request an id: a sane x-request-id is echoed, anything else is replaced by a new one', async (ctx) => {
    if (!t) return ctx.skip();
    const given = await t.http().get(`/artifacts/${runId}/missing.bin`).set('x-request-id', 'client-7:abc.DEF_9');
    expect(given.headers['x-request-id']).toBe('client-7:abc.DEF_9');
    for (const insane of ['has space', 'x'.repeat(129), 'semi;colon', 'a"quote', '-leading-dash']) {
      const res = await t.http().get(`/artifacts/${runId}/missing.bin`).set('x-request-id', insane);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    const graphql = await t.http().post('/graphql').set('content-type', 'application/json').send({ query: '{ serverInfo { database } }' });
    expect(graphql.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const a = await t.http().get(`/artifacts/${runId}/missing.bin`);
    const b = await t.http().get(`/artifacts/${runId}/missing.bin`);
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
  });

  it('answers an unknown route in the house error shape', async (ctx) => {
    if (!t) return ctx.skip();
    // An api client (JSON): a browser asking for HTML gets the page's index.html instead (apps/api/src/web).
    const res = await t.http().get('/no-such-route').set('accept', 'application/json');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: 'Cannot GET /no-such-route' } });
  });
});

// Test-only schema: a trigger that, for a row of the content type DOOMED, adds a dangling reference under a
// deferred foreign key; the database checks it at COMMIT and refuses the commit, as a real commit-time failure does.
const DOOM_AT_COMMIT: Record<'sqlite' | 'postgres', string[]> = {
  sqlite: [
    `CREATE TABLE commit_guard (run_id varchar(36) NOT NULL REFERENCES runs (id) DEFERRABLE INITIALLY DEFERRED)`,
    `CREATE TRIGGER doom_insert AFTER INSERT ON artifacts WHEN NEW.content_type = 'DOOMED' BEGIN INSERT INTO commit_guard VALUES ('no-such-run'); END`,
  ],
  postgres: [
    `CREATE TABLE commit_guard (run_id uuid NOT NULL REFERENCES runs (id) DEFERRABLE INITIALLY DEFERRED)`,
    `CREATE FUNCTION doom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO commit_guard VALUES (gen_random_uuid()); RETURN NULL; END $$`,
    `CREATE TRIGGER doom AFTER INSERT ON artifacts FOR EACH ROW WHEN (NEW.content_type = 'DOOMED') EXECUTE FUNCTION doom()`,
  ],
};

function rawRequest(base: string, method: string, path: string, body: Buffer, opts: { chunked?: boolean } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolvePromise, reject) => {
    const { hostname, port } = new URL(base);
    const headers: Record<string, string> = opts.chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(body.length) };
    const req = httpRequest({ hostname, port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    // The server may answer and close before the whole body is written (413): that is not a failure here.
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e)));
    if (opts.chunked) for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
    else req.write(body);
    req.end();
  });
}

describe.each(DIALECTS)('artifact routes with tokens on %s', (dialect) => {
  let t: TestApp | undefined;
  let admin: Record<string, string>;
  let runId: string;

  beforeAll(async () => {
    t = await startTestApp(dialect, { authMode: 'token' });
    if (!t) return;
    admin = bearer(bootstrapSecret(t));
    const gql = (query: string, variables: Record<string, unknown>) => t!.data(query, variables, admin);
    const experimentId = (await gql(`mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { id } }`, { i: { name: 'tokens' } })).createExperiment.id;
    const createRun = `mutation($i: CreateRunInput!) { createRun(input: $i) { id } }`;
    runId = (await gql(createRun, { i: { experimentId, name: 'r', kind: 'TRAINING', status: 'RUNNING' } })).createRun.id;
  });
  afterAll(async () => t?.close());

  it('asks EDITOR to upload and VIEWER to download, and records who uploaded', async (ctx) => {
    if (!t) return ctx.skip();
    const viewer = bearer((await createToken(t, 'viewer-1', 'VIEWER')).secret);
    const editor = bearer((await createToken(t, 'trainer-1', 'EDITOR')).secret);
    const anonymous = await t.http().put(`/artifacts/${runId}/a.txt`).send('x');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');
    const forged = await t.http().get(`/artifacts/${runId}/a.txt`).set(bearer('pod_not_a_token'));
    expect(forged.status).toBe(401);
    const readOnly = await t.http().put(`/artifacts/${runId}/a.txt`).set(viewer).send('x');
    expect(readOnly.status).toBe(403);
    expect(readOnly.body.error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/requires role EDITOR/) });
    const stored = await t.http().put(`/artifacts/${runId}/a.txt`).set(editor).send('x');
    expect(stored.status).toBe(201);
    const read = await t.http().get(`/artifacts/${runId}/a.txt`).set(viewer);
    expect(read.status).toBe(200);
    expect(read.text).toBe('x');
    const listed = await t.gql(`query($id: ID!) { run(id: $id) { artifacts { path createdBy } } }`, { id: runId }, viewer);
    expect(listed.data.run.artifacts).toEqual([{ path: 'a.txt', createdBy: 'trainer-1' }]);
  });

  it('refuses uploads to a soft-deleted run with 404', async (ctx) => {
    if (!t) return ctx.skip();
    const res = await t.gql(`mutation($id: ID!) { deleteRun(id: $id) { id } }`, { id: runId }, admin);
    expect(res.errors).toBeUndefined();
    const put = await t.http().put(`/artifacts/${runId}/late.txt`).set(admin).send('x');
    expect(put.status).toBe(404);
    expect(put.body.error.message).toBe(`Run "${runId}" not found`);
  });
});
