// U+0000 (NUL) in any input is a typed BAD_USER_INPUT on SQLite and PostgreSQL alike (PostgreSQL text cannot hold it:
// it used to surface as INTERNAL_SERVER_ERROR, SQLite stored it): GraphQL variables and inline literals over HTTP and
// graphql-ws, and the REST routes' URL inputs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases';
import { collect, startTestApp, type TestApp } from '../support/test-app';

const NUL = 'a\u0000b';
const COCO8 = resolve(__dirname, '../../../../assets/datasets/coco8');

const nulError = (argument: string) => ({ message: `${argument} contains U+0000 (NUL), which no text input accepts`, extensions: { code: 'BAD_USER_INPUT', argument } });

describe.each(DIALECTS)('NUL in inputs on %s', (dialect) => {
  let t: TestApp | undefined;
  let experimentId: string;
  let runId: string;

  beforeAll(async () => {
    t = await startTestApp(dialect);
    if (!t) return;
    experimentId = (await t.gql('mutation { createExperiment(input: { name: "nul" }) { id } }')).data.createExperiment.id;
    runId = (await t.gql('mutation($e: ID!) { createRun(input: { experimentId: $e, name: "r" }) { id } }', { e: experimentId })).data.createRun.id;
  });
  afterAll(async () => t?.close());

  /** POSTs an operation; returns status and body. */
  const post = async (query: string, variables?: Record<string, unknown>) => {
    const res = await t!.http().post('/graphql').set('content-type', 'application/json').send({ query, variables });
    return { status: res.status, body: res.body };
  };

  const CASES: [string, string, () => Record<string, unknown>, string][] = [
    ['an experiment name', 'mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }', () => ({ input: { name: NUL } }), '$input.name'],
    [
      'an experiment description',
      'mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }',
      () => ({ input: { name: 'ok-desc', description: NUL } }),
      '$input.description',
    ],
    ['a run name', 'mutation($input: CreateRunInput!) { createRun(input: $input) { id } }', () => ({ input: { experimentId, name: NUL } }), '$input.name'],
    [
      'a param key',
      'mutation($input: CreateRunInput!) { createRun(input: $input) { id } }',
      () => ({
        input: {
          experimentId,
          params: [
            { key: 'lr0', value: '1' },
            { key: NUL, value: '1' },
          ],
        },
      }),
      '$input.params[1].key',
    ],
    ['a param value', 'mutation($input: LogParamsInput!) { logParams(input: $input) { id } }', () => ({ input: { runId, params: [{ key: 'imgsz', value: NUL }] } }), '$input.params[0].value'],
    ['a tag', 'mutation($input: SetRunTagsInput!) { setRunTags(input: $input) { id } }', () => ({ input: { runId, tags: [{ key: 'note', value: NUL }] } }), '$input.tags[0].value'],
    [
      'a metric key',
      'mutation($input: LogMetricsInput!) { logMetrics(input: $input) { count } }',
      () => ({
        input: {
          runId,
          metrics: [
            { key: 'ok', value: 1, step: 0 },
            { key: NUL, value: 1, step: 0 },
          ],
        },
      }),
      '$input.metrics[1].key',
    ],
    [
      'an idempotency key',
      'mutation($input: LogMetricsInput!) { logMetrics(input: $input) { count } }',
      () => ({ input: { runId, metrics: [{ key: 'ok', value: 1, step: 0 }], idempotencyKey: NUL } }),
      '$input.idempotencyKey',
    ],
    ['a search filter', 'query($e: [ID!]!, $f: String) { searchRuns(experimentIds: $e, filter: $f) { totalCount } }', () => ({ e: [experimentId], f: `params.x = '${NUL}'` }), '$f'],
    ['a run id', 'query($id: ID!) { run(id: $id) { id } }', () => ({ id: NUL }), '$id'],
    ['a compared metric', 'query($ids: [ID!]!, $m: [String!]!) { compareRuns(runIds: $ids, metrics: $m) { runs { id } } }', () => ({ ids: [runId], m: ['map50', NUL] }), '$m[1]'],
    ['a Run.metrics key', 'query($id: ID!, $k: [String!]) { run(id: $id) { metrics(keys: $k) { key } } }', () => ({ id: runId, k: [NUL] }), '$k[0]'],
  ];

  it.for(CASES)('refuses NUL in %s (variables) with BAD_USER_INPUT naming the argument, and stores nothing', async ([_what, query, variables, argument], ctx) => {
    if (!t) return ctx.skip();
    const before = await t.gql('query($id: ID!, $e: ID!) { run(id: $id) { lastSequence params { key } tags { key } } runs(experimentId: $e) { totalCount } experiments { totalCount } }', {
      id: runId,
      e: experimentId,
    });
    const res = await post(query, variables());
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([nulError(argument)]);
    expect(res.body.data).toBeUndefined();
    const after = await t.gql('query($id: ID!, $e: ID!) { run(id: $id) { lastSequence params { key } tags { key } } runs(experimentId: $e) { totalCount } experiments { totalCount } }', {
      id: runId,
      e: experimentId,
    });
    expect(after).toEqual(before);
  });

  it('refuses NUL in inline literals, naming the field and argument path', async (ctx) => {
    if (!t) return ctx.skip();
    const experiment = await post('mutation { createExperiment(input: { name: "ok", tags: [{ key: "k", value: "a\\u0000b" }] }) { id } }');
    expect(experiment.status).toBe(400);
    expect(experiment.body.errors).toEqual([nulError('createExperiment(input).tags[0].value')]);
    const aliased = await post(`query { r: run(id: "${runId}") { m: metrics(keys: ["ok", "\\u0000"]) { key } } }`);
    expect(aliased.body.errors).toEqual([nulError('r.m(keys)[1]')]);
    const fragment = await post(`query { ...F } fragment F on Query { run(id: "\\u0000") { id } }`);
    expect(fragment.body.errors).toEqual([nulError('run(id)')]);
    const defaulted = await post('query($id: ID! = "\\u0000") { run(id: $id) { id } }');
    expect(defaulted.body.errors).toEqual([nulError('$id')]);
  });

  it('refuses NUL in a graphql-ws subscription’s arguments with the same error', async (ctx) => {
    if (!t) return ctx.skip();
    const sub = collect(t.ws(), 'subscription($r: ID!, $k: [String!]) { metricLogged(runId: $r, keys: $k) { key } }', { r: runId, k: ['ok', NUL] }, 1, 5000);
    await expect(sub.done).rejects.toThrow(JSON.stringify([nulError('$k[1]')]));
  });

  it('accepts other control characters and text that only looks like an escape', async (ctx) => {
    if (!t) return ctx.skip();
    const res = await post('mutation($input: SetRunTagsInput!) { setRunTags(input: $input) { tags { key value } } }', { input: { runId, tags: [{ key: 'note', value: 'tab\there \\u0000 \u0001' }] } });
    expect(res.status).toBe(200);
    expect(res.body.data.setRunTags.tags).toEqual([{ key: 'note', value: 'tab\there \\u0000 \u0001' }]);
  });

  describe('REST', () => {
    const urlError = (argument: string) => ({ code: 'BAD_USER_INPUT', message: `The URL's ${argument} contains U+0000 (NUL, %00), which no input accepts`, argument });

    it('an artifact path or run id with NUL (percent-encoded) is BAD_USER_INPUT on PUT and GET, and nothing is stored', async (ctx) => {
      if (!t) return ctx.skip();
      const put = (url: string) => t!.http().put(url).set('content-type', 'application/octet-stream').send(Buffer.from('x'));
      for (const res of [
        await put(`/artifacts/${runId}/weights/a%00b.onnx`),
        await t.http().get(`/artifacts/${runId}/weights/a%00b.onnx`),
        await put(`/artifacts/${runId.slice(0, 8)}%00/w.onnx`),
        await t.http().get(`/artifacts/%00${runId}/w.onnx`),
      ]) {
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ error: urlError('path') });
      }
      const run = await t.gql('query($id: ID!) { run(id: $id) { artifacts { path } } }', { id: runId });
      expect(run.data.run.artifacts).toEqual([]);
    });

    it('a dataset name, class name or digest with NUL is BAD_USER_INPUT, and nothing is registered', async (ctx) => {
      if (!t) return ctx.skip();
      const dir = mkdtempSync(join(tmpdir(), 'podium-nul-'));
      const tar = join(dir, 'coco8.tar');
      // One split (val) of COCO8, as a dataset upload holds.
      execFileSync('tar', ['-cf', tar, '-C', COCO8, 'images/val', 'labels/val']);
      const body = readFileSync(tar);
      const upload = (query: string) => t!.http().post(`/datasets/upload?${query}`).set('content-type', 'application/octet-stream').send(body);
      const cases: [Awaited<ReturnType<typeof upload>>, string][] = [
        [await upload('name=a%00b&format=YOLO'), 'query.name'],
        [await upload('name=nul-classes&format=YOLO&classNames=coco80%00'), 'query.classNames'],
        [await t.http().get('/datasets/%00.tar'), 'path'],
      ];
      for (const [res, argument] of cases) {
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ error: urlError(argument) });
      }
      const listed = await t.gql('{ datasets { nodes { name } } }');
      expect(listed.data.datasets.nodes).toEqual([]);
      // The same upload without the NUL is accepted: the refusal was the NUL's.
      const clean = await upload('name=nul-classes&format=YOLO&classNames=coco80');
      expect(clean.status, JSON.stringify(clean.body)).toBe(201);
    });
  });
});
