import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SearchRunsRepository } from '../../src/runs/search/search-runs.repository';
import { DIALECTS } from '../support/databases';
import { startTestApp, type TestApp } from '../support/test-app';

const SEARCH = `query($e: [ID!]!, $f: String, $o: [String!], $first: Int, $after: String) {
  searchRuns(experimentIds: $e, filter: $f, orderBy: $o, first: $first, after: $after) {
    nodes { name } totalCount pageInfo { endCursor hasNextPage }
  }
}`;

/** The grid: imgsz × lr0 × seed, with map50 (last, max) per run; NaN = the run diverged; undefined = never logged. */
const GRID: { imgsz: string; lr0: string; seed: string; last?: number; max?: number; status: string; best?: boolean }[] = [
  { imgsz: '320', lr0: '0.01', seed: '42', last: 0.27, max: 0.28, status: 'FINISHED' },
  { imgsz: '320', lr0: '0.01', seed: '1', last: 0.26, max: 0.27, status: 'FINISHED' },
  { imgsz: '320', lr0: '0.005', seed: '42', last: 0.25, max: 0.26, status: 'FINISHED' },
  { imgsz: '320', lr0: '0.005', seed: '1', last: NaN, max: 0.24, status: 'FAILED' },
  { imgsz: '416', lr0: '0.01', seed: '42', last: 0.31, max: 0.32, status: 'FINISHED', best: true },
  { imgsz: '416', lr0: '0.01', seed: '1', last: 0.3, max: 0.305, status: 'FINISHED' },
  { imgsz: '416', lr0: '0.005', seed: '42', last: 0.29, max: 0.295, status: 'FINISHED' },
  { imgsz: '416', lr0: '0.005', seed: '1', status: 'RUNNING' },
];
const nameOf = (g: (typeof GRID)[number]) => `sz${g.imgsz}_lr${g.lr0}_s${g.seed}`;

describe.each(DIALECTS)('searchRuns on %s', (dialect) => {
  let t: TestApp | undefined;
  let experimentId: string;

  const gql = (query: string, variables: Record<string, unknown> = {}) => t!.data(query, variables);
  async function search(filter: string | null, orderBy: string[] | null = null, first = 50, after: string | null = null) {
    return (await gql(SEARCH, { e: [experimentId], f: filter, o: orderBy, first, after })).searchRuns;
  }
  const names = async (filter: string | null, orderBy: string[] | null = null) => (await search(filter, orderBy)).nodes.map((n: { name: string }) => n.name);

  beforeAll(async () => {
    t = await startTestApp(dialect);
    if (!t) return;
    const create = `mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { id } }`;
    experimentId = (await gql(create, { i: { name: 'yolov8n-coco128-person' } })).createExperiment.id;
    const otherId = (await gql(create, { i: { name: 'other' } })).createExperiment.id;
    const createRun = `mutation($i: CreateRunInput!) { createRun(input: $i) { id } }`;
    const log = (runId: string, metrics: { key: string; value: number | string; step: number }[]) =>
      gql(`mutation($i: LogMetricsInput!) { logMetrics(input: $i) { __typename } }`, { i: { runId, metrics } });
    for (const g of GRID) {
      const params = [
        { key: 'imgsz', value: g.imgsz },
        { key: 'lr0', value: g.lr0 },
        { key: 'seed', value: g.seed },
      ];
      const tags = g.best ? [{ key: 'best', value: 'yes' }] : [];
      const id = (await gql(createRun, { i: { experimentId, name: nameOf(g), kind: 'TRAINING', status: 'RUNNING', params, tags } })).createRun.id;
      // Logged as Ultralytics does; stored under the canonical key map50. min = max − 0.02, max at step 5, last at step 10.
      if (g.last !== undefined) {
        await log(id, [
          { key: 'metrics/mAP50(B)', value: g.max! - 0.02, step: 0 },
          { key: 'metrics/mAP50(B)', value: g.max!, step: 5 },
          { key: 'metrics/mAP50(B)', value: Number.isNaN(g.last) ? 'NaN' : g.last, step: 10 },
        ]);
      }
      await log(id, [{ key: 'loss', value: 1, step: 0 }]);
      if (g.status !== 'RUNNING') await gql(`mutation($i: UpdateRunInput!) { updateRun(input: $i) { id } }`, { i: { id, status: g.status } });
    }
    // Runs that must never show up: another experiment's, and a soft-deleted one.
    const foreign = (await gql(createRun, { i: { experimentId: otherId, name: 'foreign', kind: 'TRAINING', status: 'RUNNING' } })).createRun.id;
    await log(foreign, [{ key: 'map50', value: 0.9, step: 0 }]);
    const deleted = (await gql(createRun, { i: { experimentId, name: 'deleted', kind: 'TRAINING', status: 'RUNNING', params: [{ key: 'imgsz', value: '416' }] } })).createRun.id;
    await log(deleted, [{ key: 'map50', value: 0.95, step: 0 }]);
    await gql(`mutation($id: ID!) { deleteRun(id: $id) { id } }`, { id: deleted });
  });
  afterAll(async () => t?.close());

  it('filters by metric and param (MLflow syntax) and orders by the metric', async (ctx) => {
    if (!t) return ctx.skip();
    expect(await names("metrics.map50 > 0.28 and params.imgsz = '416'", ['metrics.map50 DESC'])).toEqual(['sz416_lr0.01_s42', 'sz416_lr0.01_s1', 'sz416_lr0.005_s42']);
    expect(await names("params.lr0 = '0.005' AND attributes.status = 'FINISHED'", ['attributes.run_name'])).toEqual(['sz320_lr0.005_s42', 'sz416_lr0.005_s42']);
    expect(await names("tags.best = 'yes'")).toEqual(['sz416_lr0.01_s42']);
  });

  it('supports OR and parentheses, which MLflow lacks', async (ctx) => {
    if (!t) return ctx.skip();
    const filter = "(params.imgsz = '320' and params.seed = '42') or metrics.map50 >= 0.31";
    expect(await names(filter, ['attributes.name ASC'])).toEqual(['sz320_lr0.005_s42', 'sz320_lr0.01_s42', 'sz416_lr0.01_s42']);
    expect(await names("params.imgsz = '320' and (params.seed = '42' or metrics.map50 >= 0.31)", ['attributes.name'])).toEqual(['sz320_lr0.005_s42', 'sz320_lr0.01_s42']);
    expect(await names("params.lr0 IN ('0.01') AND params.seed NOT IN ('1')", ['attributes.name'])).toEqual(['sz320_lr0.01_s42', 'sz416_lr0.01_s42']);
  });

  it('reads Ultralytics keys in backquotes as their canonical key, with an aggregation', async (ctx) => {
    if (!t) return ctx.skip();
    expect(await names('max(metrics.`metrics/mAP50(B)`) > 0.3', ['max(metrics.`metrics/mAP50(B)`) DESC'])).toEqual(['sz416_lr0.01_s42', 'sz416_lr0.01_s1']);
    expect(await names('min(metrics.map50) < 0.235')).toEqual(['sz320_lr0.005_s1']);
  });

  it('sorts NaN after every number and runs without the metric after NaN, in both directions; NaN never matches', async (ctx) => {
    if (!t) return ctx.skip();
    const desc = await names(null, ['metrics.map50 DESC']);
    expect(desc).toEqual(['sz416_lr0.01_s42', 'sz416_lr0.01_s1', 'sz416_lr0.005_s42', 'sz320_lr0.01_s42', 'sz320_lr0.01_s1', 'sz320_lr0.005_s42', 'sz320_lr0.005_s1', 'sz416_lr0.005_s1']);
    const asc = await names(null, ['metrics.map50 ASC']);
    expect(asc).toEqual(['sz320_lr0.005_s42', 'sz320_lr0.01_s1', 'sz320_lr0.01_s42', 'sz416_lr0.005_s42', 'sz416_lr0.01_s1', 'sz416_lr0.01_s42', 'sz320_lr0.005_s1', 'sz416_lr0.005_s1']);
    expect(await names('metrics.map50 != 0.5')).not.toContain('sz320_lr0.005_s1');
    expect((await search('metrics.map50 != 0.5')).totalCount).toBe(6);
    // max ignores the NaN point, so the diverged run still has a max.
    expect(await names('max(metrics.map50) < 0.25')).toEqual(['sz320_lr0.005_s1']);
  });

  it.each([
    [['max(metrics.map50) DESC', 'attributes.start_time'], 3],
    [['metrics.map50 ASC'], 2],
    [['params.lr0 DESC', 'metrics.map50'], 3],
  ])('pages %j by %i with an opaque cursor: pages concatenate to the full order (across NaN and missing)', async (order, size) => {
    if (!t) return;
    const all = await names(null, order);
    expect(all).toHaveLength(8);
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 1; ; pages++) {
      const page = await search(null, order, size, after);
      expect(page.totalCount).toBe(8);
      seen.push(...page.nodes.map((n: { name: string }) => n.name));
      if (!page.pageInfo.hasNextPage) break;
      expect(pages).toBeLessThan(8);
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(all);
  });

  it('gives the same pages when the summary window is too small and the exact query takes over', async (ctx) => {
    if (!t) return ctx.skip();
    const repo = t.podium.app.get(SearchRunsRepository);
    const cases: [string | null, string[]][] = [
      [null, ['metrics.map50 DESC']],
      ["params.imgsz = '320'", ['max(metrics.map50) DESC']],
      ["params.seed = '1' or tags.best = 'yes'", ['metrics.map50 ASC', 'params.lr0']],
      ['metrics.map50 < 0.28', ['min(metrics.map50) DESC']],
    ];
    const pages = async (filter: string | null, order: string[]) => {
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page = await search(filter, order, 2, after);
        seen.push(...page.nodes.map((n: { name: string }) => n.name));
        if (!page.pageInfo.hasNextPage) return seen;
        after = page.pageInfo.endCursor;
      }
    };
    const expected = await Promise.all(cases.map(([f, o]) => names(f, o)));
    repo.minWindow = 1;
    repo.windowFactor = 1;
    try {
      for (const [i, [f, o]] of cases.entries()) {
        expect(await names(f, o)).toEqual(expected[i]);
        expect(await pages(f, o)).toEqual(expected[i]);
      }
    } finally {
      repo.minWindow = 2000;
      repo.windowFactor = 4;
    }
    expect(expected[1]).toEqual(['sz320_lr0.01_s42', 'sz320_lr0.01_s1', 'sz320_lr0.005_s42', 'sz320_lr0.005_s1']);
  });

  it('refuses a cursor from another search', async (ctx) => {
    if (!t) return ctx.skip();
    const first = await search(null, ['metrics.map50 DESC'], 3);
    const misuse = await t.gql(SEARCH, { e: [experimentId], f: "params.imgsz = '416'", o: ['metrics.map50 DESC'], first: 3, after: first.pageInfo.endCursor });
    expect(misuse.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(misuse.errors?.[0].message).toMatch(/cursor belongs to a search with other/);
  });

  it('makes LIKE case-sensitive and ILIKE case-insensitive on both databases', async (ctx) => {
    if (!t) return ctx.skip();
    expect(await names("attributes.run_name LIKE 'SZ416%'")).toEqual([]);
    expect((await names("attributes.run_name LIKE 'sz416\\_%'")).length).toBe(4);
    expect((await names("attributes.run_name ILIKE 'SZ416%'")).length).toBe(4);
    expect(await names("params.lr0 LIKE '0.0_'")).toHaveLength(4);
  });

  it('refuses a bad filter as BAD_USER_INPUT with the position', async (ctx) => {
    if (!t) return ctx.skip();
    const res = await t.gql(SEARCH, { e: [experimentId], f: "params.imgsz = '416' and metrics.map50 xyz 0.3" });
    expect(res.data).toBeNull();
    expect(res.errors?.[0].message).toBe('Unexpected token "xyz" at position 39: expected a comparison operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN)');
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_FILTER', position: 39 });
    const order = await t.gql(SEARCH, { e: [experimentId], o: ['metrics.map50 DOWN'] });
    expect(order.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', position: 14, input: 'orderBy[0]' });
  });
});
