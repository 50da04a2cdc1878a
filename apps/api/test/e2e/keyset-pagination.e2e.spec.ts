// Every list pages by keyset: rows created between two page fetches neither repeat a row nor skip one that was there
// from the start (an offset cursor over newest-first rows shifted by one per new row and showed a row twice).
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases';
import { startTestApp, type TestApp } from '../support/test-app';

const COCO128 = resolve(__dirname, '../../../../assets/datasets/coco128');

interface Listed {
  id: string;
}

describe.each(DIALECTS)('keyset cursors on %s', (dialect) => {
  let t: TestApp | undefined;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(async () => t?.close());

  const ok = (query: string, variables: Record<string, unknown> = {}) => t!.data(query, variables);

  /** Pages through a list two at a time, calling `between` after each page; returns the ids seen, in order. */
  async function pageThrough(
    read: (after: string | null) => Promise<{ nodes: Listed[]; pageInfo: { endCursor: string | null; hasNextPage: boolean }; totalCount: number }>,
    between: (i: number) => Promise<unknown>,
  ): Promise<string[]> {
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 50; i++) {
      const page = await read(after);
      seen.push(...page.nodes.map((n) => n.id));
      if (!page.pageInfo.hasNextPage) return seen;
      after = page.pageInfo.endCursor;
      await between(i);
    }
    throw new Error('did not end');
  }

  const noRepeat = (ids: string[]) => expect(ids.length).toBe(new Set(ids).size);

  it('experiments (newest first): created meanwhile, none shown twice, none skipped', async (ctx) => {
    if (!t) return ctx.skip();
    const initial: string[] = [];
    let created = 0;
    // Created in quick succession: many share a created_at (SQLite keeps seconds), so the id breaks the ties.
    for (let i = 0; i < 7; i++) initial.push((await ok(`mutation($n: String!) { createExperiment(input: { name: $n }) { id } }`, { n: `kp-exp-${i}` })).createExperiment.id);
    const expected = (await ok(`{ experiments(first: 100) { nodes { id } } }`)).experiments.nodes.map((n: Listed) => n.id);
    expect(new Set(expected)).toEqual(new Set(initial));
    const seen = await pageThrough(
      async (after) => (await ok(`query($a: String) { experiments(first: 2, after: $a) { nodes { id } pageInfo { endCursor hasNextPage } totalCount } }`, { a: after })).experiments,
      (i) => (created++, ok(`mutation($n: String!) { createExperiment(input: { name: $n }) { id } }`, { n: `kp-exp-new-${i}` })),
    );
    noRepeat(seen);
    // A row created meanwhile may still show up after the cursor where its key ties (SQLite's created_at keeps seconds):
    // once, in its place. The rows there from the start come once each, in their order.
    expect(seen.filter((id) => initial.includes(id))).toEqual(expected);
    const all = (await ok(`{ experiments(first: 100) { totalCount nodes { id } } }`)).experiments;
    expect(created).toBeGreaterThanOrEqual(3);
    expect(all.totalCount).toBe(7 + created);
  });

  it('runs of an experiment (newest first, ties by id): created meanwhile, none shown twice, none skipped', async (ctx) => {
    if (!t) return ctx.skip();
    const e = (await ok(`mutation { createExperiment(input: { name: "kp-runs" }) { id } }`)).createExperiment.id;
    const create = async () => (await ok(`mutation($e: ID!) { createRun(input: { experimentId: $e }) { id } }`, { e })).createRun.id as string;
    const initial = await Promise.all(Array.from({ length: 9 }, create));
    const read = async (after: string | null) =>
      (await ok(`query($e: ID!, $a: String) { runs(experimentId: $e, first: 2, after: $a) { nodes { id } pageInfo { endCursor hasNextPage } totalCount } }`, { e, a: after })).runs;
    const expected = (await read(null)).totalCount === 9 ? (await ok(`query($e: ID!) { runs(experimentId: $e, first: 100) { nodes { id } } }`, { e })).runs.nodes.map((n: Listed) => n.id) : [];
    expect(new Set(expected)).toEqual(new Set(initial));
    const seen = await pageThrough(read, () => create());
    noRepeat(seen);
    expect(seen).toEqual(expected);
    expect((await read(null)).totalCount).toBe(9 + 4);
  });

  it('registered models, workers and api tokens (by name or creation): created meanwhile, none twice, every first one seen', async (ctx) => {
    if (!t) return ctx.skip();
    const lists = [
      {
        create: (n: string) => ok(`mutation($n: String!) { createRegisteredModel(input: { name: $n }) { id } }`, { n }),
        read: async (after: string | null) =>
          (await ok(`query($a: String) { registeredModels(first: 2, after: $a) { nodes { id } pageInfo { endCursor hasNextPage } totalCount } }`, { a: after })).registeredModels,
      },
      {
        create: (n: string) => ok(`mutation($i: RegisterWorkerInput!) { registerWorker(input: $i) { id } }`, { i: { name: n, executionProviders: ['CPU'], cpuCores: 2 } }),
        read: async (after: string | null) => (await ok(`query($a: String) { workers(first: 2, after: $a) { nodes { id } pageInfo { endCursor hasNextPage } totalCount } }`, { a: after })).workers,
      },
      {
        create: (n: string) => ok(`mutation($n: String!) { createApiToken(input: { name: $n, role: VIEWER }) { secret } }`, { n }),
        read: async (after: string | null) => (await ok(`query($a: String) { apiTokens(first: 2, after: $a) { nodes { id } pageInfo { endCursor hasNextPage } totalCount } }`, { a: after })).apiTokens,
      },
    ];
    for (const list of lists) {
      for (const n of ['m-b', 'm-d', 'm-f', 'm-h', 'm-j']) await list.create(n);
      const initial = (await list.read(null)).totalCount;
      const before = await pageThroughAll(list.read);
      // New names land before and after the cursor: those after it are seen once, none repeats.
      const seen = await pageThrough(list.read, (i) => list.create([`m-a${i}`, `m-z${i}`][i % 2]));
      noRepeat(seen);
      for (const id of before) expect(seen).toContain(id);
      expect(before).toHaveLength(initial);
    }
  });

  it('datasets (by name, newest version first): versions imported meanwhile, none shown twice, none skipped', async (ctx) => {
    // importDataset reads a server folder: the embedded default (SQLite) only; the list's SQL is the same on both.
    if (!t || dialect !== 'sqlite') return ctx.skip();
    const imp = (name: string) => ok(`mutation($i: ImportDatasetInput!) { importDataset(input: $i) { id } }`, { i: { name, path: COCO128, format: 'YOLO', classNames: ['coco80'] } });
    for (const name of ['kp-a', 'kp-a', 'kp-a', 'kp-b', 'kp-b']) await imp(name);
    const read = async (after: string | null) =>
      (await ok(`query($a: String) { datasets(first: 2, after: $a) { nodes { id } pageInfo { endCursor hasNextPage } totalCount } }`, { a: after })).datasets;
    const expected = (await ok(`{ datasets(first: 100) { nodes { id } } }`)).datasets.nodes.map((n: Listed) => n.id);
    // New versions sort first within their name: before the cursor, so not seen, and nothing shifts.
    const seen = await pageThrough(read, (i) => imp(i % 2 ? 'kp-a' : 'kp-b'));
    noRepeat(seen);
    expect(seen).toEqual(expected);
  });

  it('metric history (step, then sequence): points logged meanwhile at later steps are read once, in order', async (ctx) => {
    if (!t) return ctx.skip();
    const e = (await ok(`mutation { createExperiment(input: { name: "kp-metrics" }) { id } }`)).createExperiment.id;
    const runId = (await ok(`mutation($e: ID!) { createRun(input: { experimentId: $e }) { id } }`, { e })).createRun.id;
    const log = (steps: number[]) =>
      ok(`mutation($i: LogMetricsInput!) { logMetrics(input: $i) { count } }`, { i: { runId, metrics: steps.map((step) => ({ key: 'loss', step, value: step / 10 })) } });
    await log([0, 1, 2, 3, 4]);
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; ; i++) {
      const page: { nodes: { step: number; sequence: number }[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } } = (
        await ok(`query($r: ID!, $a: String) { metricHistory(runId: $r, key: "loss", first: 2, after: $a) { nodes { step sequence } pageInfo { endCursor hasNextPage } } }`, { r: runId, a: after })
      ).metricHistory;
      seen.push(...page.nodes.map((n) => `${n.step}/${n.sequence}`));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
      if (i < 2) await log([5 + i]);
    }
    expect(seen).toEqual(['0/1', '1/2', '2/3', '3/4', '4/5', '5/6', '6/7']);
  });

  it('refuses a cursor that is not a keyset (an old offset cursor included) with BAD_USER_INPUT', async (ctx) => {
    if (!t) return ctx.skip();
    for (const after of [Buffer.from('20').toString('base64url'), 'not-base64-json', Buffer.from('[1,2,3]').toString('base64url')]) {
      const res = await t.gql(`query($a: String) { experiments(first: 2, after: $a) { totalCount } }`, { a: after });
      expect(res.errors?.[0]).toMatchObject({ message: `after: malformed cursor "${after}"`, extensions: { code: 'BAD_USER_INPUT' } });
    }
  });

  async function pageThroughAll(read: (after: string | null) => Promise<{ nodes: Listed[]; pageInfo: { endCursor: string | null; hasNextPage: boolean }; totalCount: number }>): Promise<string[]> {
    return pageThrough(read, async () => undefined);
  }
});
