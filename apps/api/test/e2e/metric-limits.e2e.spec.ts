// Issue 10's metric amplification, scaled down (10 runs with many distinct keys, a per-run key limit of 60) and its
// idempotent batches, through HTTP and graphql-ws on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases';
import { collect, startTestApp, type TestApp } from '../support/test-app';

const KEY_LIMIT = 60;
const KEYS_PER_RUN = 55;
const LOG = 'mutation($input: LogMetricsInput!) { logMetrics(input: $input) { runId count firstSequence lastSequence keys } }';
const keysOf = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);

describe.each(DIALECTS)('metric limits on %s', (dialect) => {
  let t: TestApp | undefined;
  let experimentId: string;
  let runIds: string[];
  const newRun = async (name: string, e = experimentId): Promise<string> =>
    (await t!.gql('mutation($e: ID!, $n: String) { createRun(input: { experimentId: $e, name: $n }) { id } }', { e, n: name })).data.createRun.id;
  const log = (runId: string, metrics: unknown[], idempotencyKey?: string) => t!.gql(LOG, { input: { runId, metrics, idempotencyKey } });

  beforeAll(async () => {
    t = await startTestApp(dialect, { maxMetricKeysPerRun: KEY_LIMIT });
    if (!t) return;
    experimentId = (await t.gql('mutation { createExperiment(input: { name: "many-keys" }) { id } }')).data.createExperiment.id;
    runIds = [];
    for (let r = 0; r < 10; r++) {
      const id = (
        await t.gql('mutation($e: ID!, $n: String, $p: [KeyValueInput!]) { createRun(input: { experimentId: $e, name: $n, params: $p }) { id } }', {
          e: experimentId,
          n: `run-${r}`,
          p: [{ key: 'lr0', value: String(r % 2) }],
        })
      ).data.createRun.id;
      const metrics = [...keysOf('k', KEYS_PER_RUN - 1).map((key, i) => ({ key, value: r + i / 100, step: 0 })), { key: 'metrics/mAP50(B)', value: r / 10, step: 1 }];
      expect((await log(id, metrics)).errors).toBeUndefined();
      runIds.push(id);
    }
  });
  afterAll(async () => t?.close());

  it('refuses a batch past the per-run key limit with BAD_USER_INPUT and the limit, storing none of it', async (ctx) => {
    if (!t) return ctx.skip();
    const runId = runIds[0];
    const res = await log(runId, [{ key: 'k000', value: 1, step: 2 }, ...keysOf('new', 6).map((key) => ({ key, value: 1, step: 2 }))]);
    expect(res.errors).toHaveLength(1);
    expect(res.errors[0].message).toBe(
      `run ${runId.slice(0, 8)} has 55 distinct metric keys and this batch adds 6 new ones: past the limit of 60 keys per run (PODIUM_MAX_METRIC_KEYS_PER_RUN); nothing was stored`,
    );
    expect(res.errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'METRIC_KEY_LIMIT', limit: 60, keyCount: 55, newKeys: 6 });
    const run = await t.gql('query($id: ID!) { run(id: $id) { lastSequence metricKeyCount metrics(keys: ["k000"]) { count } } }', { id: runId });
    expect(run.data.run).toEqual({ lastSequence: 55, metricKeyCount: 55, metrics: [{ count: 1 }] });
    // Five new keys fit exactly.
    expect(
      (
        await log(
          runId,
          keysOf('new', 5).map((key) => ({ key, value: 1, step: 2 })),
        )
      ).data.logMetrics.count,
    ).toBe(5);
    expect((await t.gql('query($id: ID!) { run(id: $id) { metricKeyCount } }', { id: runId })).data.run.metricKeyCount).toBe(60);
  });

  it('Run.metrics returns a bounded page: first keys in key order, after a key, or only the named keys', async (ctx) => {
    if (!t) return ctx.skip();
    const page = await t.gql('query($e: ID!) { runs(experimentId: $e, first: 20) { nodes { name metricKeyCount metrics(first: 3) { key } } } }', { e: experimentId });
    expect(page.errors).toBeUndefined();
    const byName = new Map(page.data.runs.nodes.map((n: any) => [n.name, n]));
    expect(byName.get('run-3')).toEqual({ name: 'run-3', metricKeyCount: 55, metrics: [{ key: 'k000' }, { key: 'k001' }, { key: 'k002' }] });
    const next = await t.gql('query($id: ID!) { run(id: $id) { metrics(first: 3, after: "k052") { key } } }', { id: runIds[3] });
    expect(next.data.run.metrics).toEqual([{ key: 'k053' }, { key: 'map50' }]);
    const named = await t.gql('query($id: ID!) { run(id: $id) { metrics(keys: ["metrics/mAP50(B)", "k007", "nope"]) { key last lastStep } } }', { id: runIds[3] });
    expect(named.data.run.metrics).toEqual([
      { key: 'k007', last: 3.07, lastStep: 0 },
      { key: 'map50', last: 0.3, lastStep: 1 },
    ]);
    // The default page is 100 keys.
    const all = await t.gql('query($id: ID!) { run(id: $id) { metrics { key } } }', { id: runIds[3] });
    expect(all.data.run.metrics).toHaveLength(55);
    const tooMany = await t.gql('query($id: ID!) { run(id: $id) { metrics(first: 1001) { key } } }', { id: runIds[3] });
    expect(tooMany.errors[0]).toMatchObject({ message: 'metrics: first must be an integer between 1 and 1000, got 1001', extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('counts Run.metrics in query complexity: first × its selection, fewer when keys name fewer', async (ctx) => {
    if (!t) return ctx.skip();
    const wide = await t.gql('query($e: ID!) { runs(experimentId: $e, first: 100) { nodes { metrics(first: 1000) { key last } } } }', { e: experimentId });
    expect(wide.errors[0]).toEqual({
      message: 'Query complexity 200201 exceeds the limit of 5000 (PODIUM_MAX_QUERY_COMPLEXITY); ask for smaller pages (first) or fewer nested lists',
      extensions: { code: 'QUERY_TOO_COMPLEX', complexity: 200201, maxComplexity: 5000 },
    });
    expect(wide.data).toBeUndefined();
    // The query of the report (the default page of keys for 100 runs) is refused as well.
    const report = await t.gql('query($e: ID!) { runs(experimentId: $e, first: 100) { nodes { metrics { key last } } } }', { e: experimentId });
    expect(report.errors[0].extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', complexity: 20201, maxComplexity: 5000 });
    // Named keys cost what they name: two keys on 100 runs pass.
    const named = await t.gql('query($e: ID!) { runs(experimentId: $e, first: 100) { nodes { metrics(keys: ["map50", "k001"]) { key last } } } }', { e: experimentId });
    expect(named.errors).toBeUndefined();
    expect(named.data.runs.nodes).toHaveLength(10);
    for (const n of named.data.runs.nodes) expect(n.metrics.map((m: any) => m.key)).toEqual(['k001', 'map50']);
    expect((await t.gql('query($id: ID!) { run(id: $id) { metrics(first: 1000) { key last } } }', { id: runIds[1] })).errors).toBeUndefined();
  });

  it('compareRuns and gridAnalysis on runs with many keys answer with the asked keys only', async (ctx) => {
    if (!t) return ctx.skip();
    const compared = await t.gql('query($ids: [ID!]!) { compareRuns(runIds: $ids, metrics: ["metrics/mAP50(B)", "k010"]) { runs { id } metrics { key summaries { last } } } }', { ids: runIds });
    expect(compared.errors).toBeUndefined();
    expect(compared.data.compareRuns.metrics).toEqual([
      { key: 'metrics/mAP50(B)', summaries: runIds.map((_, r) => ({ last: r / 10 })) },
      { key: 'k010', summaries: runIds.map((_, r) => ({ last: r + 0.1 })) },
    ]);
    const grid = await t.gql('query($e: ID!) { gridAnalysis(experimentId: $e, metric: "map50", aggregation: LAST) { runCount params { key values { value n } } best { runName value } } }', {
      e: experimentId,
    });
    expect(grid.errors).toBeUndefined();
    expect(grid.data.gridAnalysis.runCount).toBe(10);
    expect(grid.data.gridAnalysis.params).toEqual([
      {
        key: 'lr0',
        values: [
          { value: '0', n: 5 },
          { value: '1', n: 5 },
        ],
      },
    ]);
    expect(grid.data.gridAnalysis.best).toMatchObject({ runName: 'run-9', value: 0.9 });
  });

  it('an idempotent logMetrics retry returns the first answer, subscribers see the batch once; other content under the key is CONFLICT', async (ctx) => {
    if (!t) return ctx.skip();
    const runId = await newRun('retry');
    const sub = collect(t.ws(), 'subscription($r: ID!) { metricBatchLogged(runId: $r, afterSequence: 0) { lastSequence points { key sequence } } }', { r: runId }, 2);
    await new Promise((r) => setTimeout(r, 200));
    const batch = [
      { key: 'loss', value: 1, step: 0 },
      { key: 'metrics/mAP50(B)', value: 0.2, step: 0 },
    ];
    const first = await log(runId, batch, 'epoch-0');
    expect(first.data.logMetrics).toEqual({ runId, count: 2, firstSequence: 1, lastSequence: 2, keys: ['loss', 'map50'] });
    const retry = await log(runId, batch, 'epoch-0');
    expect(retry).toEqual(first);
    const conflict = await log(runId, [{ ...batch[0], value: 2 }, batch[1]], 'epoch-0');
    expect(conflict.errors[0]).toMatchObject({
      message: `idempotencyKey "epoch-0" was already used on run ${runId.slice(0, 8)} for a batch with other content (sequences 1..2); send new content under a new key`,
      extensions: { code: 'CONFLICT', reason: 'IDEMPOTENCY_KEY_REUSED', idempotencyKey: 'epoch-0', firstSequence: 1, lastSequence: 2 },
    });
    await log(runId, [{ key: 'loss', value: 0.5, step: 1 }], 'epoch-1');
    const events = await sub.done;
    expect(events.map((e) => e.metricBatchLogged)).toEqual([
      {
        lastSequence: 2,
        points: [
          { key: 'loss', sequence: 1 },
          { key: 'map50', sequence: 2 },
        ],
      },
      { lastSequence: 3, points: [{ key: 'loss', sequence: 3 }] },
    ]);
    const run = await t.gql('query($id: ID!) { run(id: $id) { lastSequence metrics(keys: ["loss"]) { count } } }', { id: runId });
    expect(run.data.run).toEqual({ lastSequence: 3, metrics: [{ count: 2 }] });
    const bad = await log(runId, batch, 'has space');
    expect(bad.errors[0]).toMatchObject({ message: 'idempotencyKey must be 1..128 printable ASCII characters without spaces', extensions: { code: 'BAD_USER_INPUT' } });
  });
});
