// metricKeys through HTTP: one experiment's distinct keys across its runs (a deleted run's left out), found by a
// case-insensitive search in which `_` is literal, paged by the connection's cursor to the end with no duplicate,
// totalCount, the argument bounds, and query complexity counting `first`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases';
import { startTestApp, type TestApp } from '../support/test-app';

const KEYS = `query($e: [ID!]!, $search: String, $first: Int, $after: String) {
  metricKeys(experimentIds: $e, search: $search, first: $first, after: $after) { nodes { key } totalCount pageInfo { endCursor hasNextPage } }
}`;
const SLIM = `query($e: [ID!]!, $search: String, $first: Int) { metricKeys(experimentIds: $e, search: $search, first: $first) { nodes { key } } }`;
const KEY_COUNT = 1200;
const cls = (i: number) => `class_${String(i).padStart(5, '0')}/ap`;

describe.each(DIALECTS)('metricKeys on %s', (dialect) => {
  let t: TestApp | undefined;
  let experimentId: string;

  const gql = (query: string, variables: Record<string, unknown> = {}) => t!.data(query, variables);
  const keysOf = (page: { nodes: { key: string }[] }) => page.nodes.map((n) => n.key);

  beforeAll(async () => {
    t = await startTestApp(dialect, { maxQueryComplexity: 5000 });
    if (!t) return;
    experimentId = (await gql(`mutation { createExperiment(input: { name: "many keys" }) { id } }`)).createExperiment.id;
    const run = async () => (await gql(`mutation($e: ID!) { createRun(input: { experimentId: $e }) { id } }`, { e: experimentId })).createRun.id;
    const log = (runId: string, keys: string[]) =>
      gql(`mutation($i: LogMetricsInput!) { logMetrics(input: $i) { count } }`, { i: { runId, metrics: keys.map((key) => ({ key, value: 1, step: 0 })) } });
    const [a, b, gone] = [await run(), await run(), await run()];
    // Two runs sharing half their keys: 1,200 distinct keys in all, the Ultralytics alias stored as map50.
    const all = Array.from({ length: KEY_COUNT }, (_, i) => cls(i));
    for (let i = 0; i < 800; i += 400) await log(a, all.slice(i, i + 400));
    for (let i = 400; i < KEY_COUNT; i += 400) await log(b, all.slice(i, i + 400));
    await log(a, ['metrics/mAP50(B)', 'classX04200/ap']);
    await log(gone, ['deleted_only']);
    await gql(`mutation($id: ID!) { deleteRun(id: $id) { id } }`, { id: gone });
  }, 120_000);
  afterAll(async () => t?.close());

  it('finds one key among 1,200 by a case-insensitive search in which `_` is literal', async (ctx) => {
    if (!t) return ctx.skip();
    const page = (await gql(KEYS, { e: [experimentId], search: 'CLASS_0042' })).metricKeys;
    expect(keysOf(page)).toEqual(Array.from({ length: 10 }, (_, i) => cls(420 + i)));
    expect(page.totalCount).toBe(10);
    expect(page.pageInfo.hasNextPage).toBe(false);
    expect(keysOf((await gql(KEYS, { e: [experimentId], search: 'mAP' })).metricKeys)).toEqual(['map50']);
    expect(keysOf((await gql(KEYS, { e: [experimentId], search: 'deleted' })).metricKeys)).toEqual([]);
  });

  it('pages through every key once, in order, following endCursor', async (ctx) => {
    if (!t) return ctx.skip();
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: { nodes: { key: string }[]; totalCount: number; pageInfo: { endCursor: string; hasNextPage: boolean } } = (await gql(KEYS, { e: [experimentId], first: 500, after })).metricKeys;
      expect(page.totalCount).toBe(KEY_COUNT + 2);
      seen.push(...keysOf(page));
      pages++;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(KEY_COUNT + 2);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort());
    // The default page is 100 keys.
    expect(keysOf((await gql(KEYS, { e: [experimentId] })).metricKeys)).toEqual(seen.slice(0, 100));
  });

  it('refuses out-of-bounds arguments, and counts first in the query complexity', async (ctx) => {
    if (!t) return ctx.skip();
    const refused = async (variables: Record<string, unknown>) => {
      const res = await t!.gql(SLIM, variables);
      return `${res.errors?.[0]?.extensions?.code}: ${res.errors?.[0]?.message}`;
    };
    expect(await refused({ e: [experimentId], first: 1001 })).toBe('BAD_USER_INPUT: first must be an integer between 1 and 1000, got 1001');
    expect(await refused({ e: Array.from({ length: 21 }, () => experimentId) })).toBe('BAD_USER_INPUT: experimentIds must list between 1 and 20 experiments');
    expect(await refused({ e: [experimentId], search: 'x'.repeat(257) })).toBe('BAD_USER_INPUT: search: at most 256 characters');
    // A forged cursor whose key holds NUL (PostgreSQL text cannot) is a bad input, not a database error.
    const forged = Buffer.from(JSON.stringify('class_\u0000')).toString('base64url');
    const nul = await t.gql(`query($e: [ID!]!, $after: String) { metricKeys(experimentIds: $e, after: $after) { nodes { key } } }`, { e: [experimentId], after: forged });
    expect(`${nul.errors?.[0]?.extensions?.code}: ${nul.errors?.[0]?.message}`).toBe(`BAD_USER_INPUT: after: malformed cursor "${forged}"`);
    // 1,000 keys × (node + key) fits the limit of 5,000 once; three times in one operation does not.
    expect((await t.gql(SLIM, { e: [experimentId], first: 1000 })).errors).toBeUndefined();
    const wide = await t.gql(
      `query($e: [ID!]!) { a: metricKeys(experimentIds: $e, first: 1000) { nodes { key } } b: metricKeys(experimentIds: $e, first: 1000) { nodes { key } } c: metricKeys(experimentIds: $e, first: 1000) { nodes { key } } }`,
      {
        e: [experimentId],
      },
    );
    expect(wide.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', maxComplexity: 5000 });
  });
});
