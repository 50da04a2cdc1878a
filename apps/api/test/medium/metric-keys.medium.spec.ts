// metricKeys through the real service and repository on SQLite and PostgreSQL: distinct keys across runs and
// experiments, deleted runs left out, a case-insensitive substring search whose `%`, `_` and `\` are literal, and
// keyset paging that neither repeats nor skips a key (even when a key is logged between two pages).
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../src/auth/roles';
import type { Database } from '../../src/database/database';
import { MetricKeySearchRepository } from '../../src/metrics/metric-key-search.repository';
import { MetricKeySearchService, type MetricKeysQuery } from '../../src/metrics/metric-key-search.service';
import { MetricsService } from '../../src/metrics/metrics.service';
import { RunsService } from '../../src/runs/runs.service';
import { createTestDatabase, DIALECTS, openDatabase, type TestDatabase } from '../support/databases';
import { trackingServices } from '../support/tracking-services';

const actor = { name: 'tester', role: Role.EDITOR };

describe.each(DIALECTS)('metric keys on %s', (dialect) => {
  let tdb: TestDatabase | undefined;
  let db: Database;
  let metrics: MetricsService;
  let runs: RunsService;
  let keys: MetricKeySearchService;
  let exp: string;
  let other: string;

  const log = (runId: string, names: string[]) =>
    metrics.logMetrics(
      runId,
      names.map((key) => ({ key, value: 1, step: 0 })),
    );
  /** Every page of a query, following endCursor. */
  const all = async (q: MetricKeysQuery): Promise<{ pages: string[][]; total: number }> => {
    const pages: string[][] = [];
    let after: string | null = null;
    for (;;) {
      const page = await keys.metricKeys({ ...q, after });
      pages.push(page.nodes);
      if (!page.pageInfo.hasNextPage) return { pages, total: await page.totalCount };
      after = page.pageInfo.endCursor;
    }
  };

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
    if (!tdb) return;
    db = await openDatabase(tdb.config);
    const services = trackingServices(db, { maxMetricKeysPerRun: 1000 });
    ({ runs, metrics } = services);
    const { experiments } = services;
    keys = new MetricKeySearchService(new MetricKeySearchRepository(db));
    exp = (await experiments.create({ name: 'keys' }, actor)).id;
    other = (await experiments.create({ name: 'other keys' }, actor)).id;
    const a = (await runs.createRun({ experimentId: exp }, actor)).id;
    const b = (await runs.createRun({ experimentId: exp }, actor)).id;
    const gone = (await runs.createRun({ experimentId: exp }, actor)).id;
    const elsewhere = (await runs.createRun({ experimentId: other }, actor)).id;
    // 250 class keys split across two runs with an overlap, so distinctness and paging both matter.
    const cls = (i: number) => `class_${String(i).padStart(5, '0')}/ap`;
    await log(a, [...Array.from({ length: 150 }, (_, i) => cls(i)), 'map50', 'Train/Loss']);
    await log(b, [...Array.from({ length: 150 }, (_, i) => cls(i + 100)), 'map50', 'classX04/ap', 'rate%x', 'back\\slash']);
    await log(gone, ['only_in_deleted', 'map50']);
    await runs.deleteRun(gone);
    await log(elsewhere, ['only_elsewhere', 'map50']);
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  it('lists each key of the experiment once, in key order, without the deleted run or other experiments', async (ctx) => {
    if (!tdb) return ctx.skip();
    const { pages, total } = await all({ experimentIds: [exp], first: 1000 });
    expect(pages).toHaveLength(1);
    const got = pages[0];
    expect(got).toHaveLength(250 + 5);
    expect(new Set(got).size).toBe(got.length);
    expect(got).toContain('class_00120/ap');
    expect(got).not.toContain('only_in_deleted');
    expect(got).not.toContain('only_elsewhere');
    expect(total).toBe(255);
    // The database's order, the one the cursor follows: each key sorts after the previous one there too.
    const both = await all({ experimentIds: [exp, other], first: 1000 });
    expect(both.pages[0]).toContain('only_elsewhere');
    expect(both.total).toBe(256);
  });

  it('pages by key with no duplicate and no skip, and a key logged between pages shifts nothing', async (ctx) => {
    if (!tdb) return ctx.skip();
    const whole = (await keys.metricKeys({ experimentIds: [exp], first: 1000 })).nodes;
    const first = await keys.metricKeys({ experimentIds: [exp], first: 7 });
    expect(first.nodes).toEqual(whole.slice(0, 7));
    expect(first.pageInfo.hasNextPage).toBe(true);
    // A key that sorts before the cursor, logged meanwhile, does not shift the next page.
    const late = (await runs.createRun({ experimentId: exp }, actor)).id;
    await log(late, ['a_early_key']);
    const second = await keys.metricKeys({ experimentIds: [exp], first: 7, after: first.pageInfo.endCursor });
    expect(second.nodes).toEqual(whole.slice(7, 14));
    await runs.deleteRun(late);

    const { pages } = await all({ experimentIds: [exp], first: 7 });
    expect(pages.flat()).toEqual(whole);
    expect(pages.slice(0, -1).every((p) => p.length === 7)).toBe(true);
  });

  it('searches a case-insensitive substring in which `_`, `%` and `\\` are literal', async (ctx) => {
    if (!tdb) return ctx.skip();
    // `class_04` with `_` as a wildcard would also match classX04/ap.
    expect((await keys.metricKeys({ experimentIds: [exp], search: 'class_0012' })).nodes).toEqual(Array.from({ length: 10 }, (_, i) => `class_0012${i}/ap`));
    expect((await keys.metricKeys({ experimentIds: [exp], search: 'X04' })).nodes).toEqual(['classX04/ap']);
    expect((await keys.metricKeys({ experimentIds: [exp], search: 'class_' })).nodes).not.toContain('classX04/ap');
    expect((await keys.metricKeys({ experimentIds: [exp], search: '%' })).nodes).toEqual(['rate%x']);
    expect((await keys.metricKeys({ experimentIds: [exp], search: 'k\\s' })).nodes).toEqual(['back\\slash']);
    expect((await keys.metricKeys({ experimentIds: [exp], search: 'train/LOSS' })).nodes).toEqual(['Train/Loss']);
    const page = await keys.metricKeys({ experimentIds: [exp], search: 'CLASS_001', first: 4 });
    expect(page.nodes).toEqual(['class_00100/ap', 'class_00101/ap', 'class_00102/ap', 'class_00103/ap']);
    expect(await page.totalCount).toBe(100);
    const rest = await all({ experimentIds: [exp], search: 'CLASS_001', first: 4 });
    expect(rest.pages.flat()).toEqual(Array.from({ length: 100 }, (_, i) => `class_${String(100 + i).padStart(5, '0')}/ap`));
  });

  it('refuses unbounded or malformed arguments with BAD_USER_INPUT', async (ctx) => {
    if (!tdb) return ctx.skip();
    const bad = (q: MetricKeysQuery) =>
      keys.metricKeys(q).then(
        () => 'accepted',
        (e: { code?: string; message: string }) => `${e.code}: ${e.message}`,
      );
    expect(await bad({ experimentIds: [] })).toBe('BAD_USER_INPUT: experimentIds must list between 1 and 20 experiments');
    expect(await bad({ experimentIds: ['nope'] })).toBe('BAD_USER_INPUT: experimentIds: "nope" is not an experiment id');
    expect(await bad({ experimentIds: [exp], first: 1001 })).toBe('BAD_USER_INPUT: first must be an integer between 1 and 1000, got 1001');
    expect(await bad({ experimentIds: [exp], search: 'x'.repeat(257) })).toBe('BAD_USER_INPUT: search: at most 256 characters');
    expect(await bad({ experimentIds: [exp], after: 'garbage!' })).toBe('BAD_USER_INPUT: after: malformed cursor "garbage!"');
  });
});
