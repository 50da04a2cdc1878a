// searchRuns' keyset pages on a real database (SQLite file and PostgreSQL): pages of many runs with ties, NaN, ±Inf,
// missing metrics, params compared as strings and mixed directions concatenate to the order a plain comparator gives,
// through the summary window and through the exact queries; runs created or changed while paging shift no page.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../src/common/pagination';
import type { Database } from '../../src/database/database';
import { SearchRunsRepository } from '../../src/runs/search/search-runs.repository';
import { SearchRunsService } from '../../src/runs/search/search-runs.service';
import { createTestDatabase, DIALECTS, openDatabase, type TestDatabase } from '../support/databases';

/** A run as seeded: undefined = the run lacks the metric/param/tag, NaN = a NaN last value (max/min then null). */
interface Seed {
  id: string;
  name: string;
  status: string;
  startTime: number;
  endTime: number | null;
  map50?: { last: number; max: number | null };
  loss?: number;
  lr0?: string;
  group?: string;
}

const N = 240;
// Values chosen to sort alike in byte order and in locale collations (the '.' is ignored there at the first level).
const LR0 = ['0.01', '0.005', '0.1', '1', '10', '2'];

function seeds(n: number, start = 0): Seed[] {
  return Array.from({ length: n }, (_, j) => {
    const i = start + j;
    const map50 =
      i % 10 === 0
        ? undefined
        : i % 10 === 1
          ? { last: NaN, max: i % 20 === 1 ? null : 0.5 }
          : i % 37 === 3
            ? { last: Infinity, max: Infinity }
            : i % 41 === 4
              ? { last: -Infinity, max: 0.2 }
              : { last: ((i * 7) % 13) / 10, max: ((i * 7) % 13) / 10 + (i % 3) / 10 };
    return {
      id: randomUUID(),
      name: `run_${i}`,
      status: ['FINISHED', 'FAILED', 'RUNNING'][i % 3],
      // Few distinct start times, so the id often decides.
      startTime: 1_700_000_000_000 + (i % 5) * 1000,
      endTime: i % 4 === 0 ? null : 1_700_000_100_000 + (i % 6) * 1000,
      map50,
      loss: i % 9 === 0 ? undefined : (i % 4) / 4,
      lr0: i % 11 === 0 ? undefined : LR0[i % LR0.length],
      group: i % 3 === 0 ? undefined : `g${i % 4}`,
    };
  });
}

type Order = { rank: number; value: number | string | null; desc: boolean };
/** The documented order, computed in plain code: per term values (−Inf < finite < +Inf), NaN, missing; then start_time DESC, id. */
function keyOf(s: Seed, term: string): Order {
  const desc = term.endsWith(' DESC');
  const name = term.replace(/ (ASC|DESC)$/, '');
  const metric = (v: number | null | undefined, present: boolean): Order => ({ rank: !present ? 2 : v === null || Number.isNaN(v) ? 1 : 0, value: v ?? null, desc });
  switch (name) {
    case 'metrics.map50':
      return metric(s.map50?.last, s.map50 !== undefined);
    case 'max(metrics.map50)':
      return metric(s.map50?.max, s.map50 !== undefined);
    case 'metrics.loss':
    case 'min(metrics.loss)':
      return metric(s.loss, s.loss !== undefined);
    case 'params.lr0':
      return { rank: s.lr0 === undefined ? 1 : 0, value: s.lr0 ?? null, desc };
    case 'tags.group':
      return { rank: s.group === undefined ? 1 : 0, value: s.group ?? null, desc };
    case 'attributes.end_time':
      return { rank: s.endTime === null ? 1 : 0, value: s.endTime, desc };
    case 'attributes.status':
      return { rank: 0, value: s.status, desc };
    default:
      throw new Error(`no reference for ${term}`);
  }
}

function referenceOrder(runs: Seed[], order: string[]): string[] {
  const cmp = (a: Seed, b: Seed): number => {
    for (const term of order) {
      const x = keyOf(a, term);
      const y = keyOf(b, term);
      if (x.rank !== y.rank) return x.rank - y.rank;
      if (x.rank === 0 && x.value !== y.value) return (x.value! < y.value! ? -1 : 1) * (x.desc ? -1 : 1);
    }
    if (a.startTime !== b.startTime) return b.startTime - a.startTime;
    return a.id < b.id ? -1 : 1;
  };
  return [...runs].sort(cmp).map((s) => s.name);
}

const ORDERS: string[][] = [
  ['metrics.map50 DESC'],
  ['metrics.map50 ASC', 'params.lr0 DESC'],
  ['max(metrics.map50) DESC', 'metrics.loss ASC'],
  ['params.lr0', 'min(metrics.loss) DESC'],
  ['tags.group DESC', 'attributes.end_time'],
  ['attributes.status', 'metrics.map50', 'params.lr0 DESC'],
  [],
];

describe.each(DIALECTS)('searchRuns keyset pages on %s', (dialect) => {
  let tdb: TestDatabase | undefined;
  let db: Database;
  let repo: SearchRunsRepository;
  let service: SearchRunsService;
  const experimentId = randomUUID();
  const runs = seeds(N);
  let seq = 0;

  async function insert(table: string, columns: string[], rows: unknown[][]): Promise<void> {
    if (rows.length === 0) return;
    let n = 0;
    const values = rows.map((r) => `(${r.map(() => (dialect === 'postgres' ? `$${++n}` : '?')).join(', ')})`).join(', ');
    await db.write((tx) => tx.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}`, rows.flat()));
  }
  const summary = (id: string, key: string, last: number, max: number | null, min: number | null) => [
    id,
    key,
    Number.isNaN(last) ? null : last,
    Number.isNaN(last) ? 1 : 0,
    1,
    1000,
    ++seq,
    min,
    min === null ? null : 0,
    max,
    max === null ? null : 0,
    1,
  ];
  async function seed(list: Seed[]): Promise<void> {
    const runRows = list.map((s) => [s.id, experimentId, s.name, 'TRAINING', s.status, s.startTime, s.endTime, 'tester', 'active', 0]);
    await insert('runs', ['id', 'experiment_id', 'name', 'kind', 'status', 'start_time', 'end_time', 'created_by', 'lifecycle', 'next_sequence'], runRows);
    await insert(
      'run_params',
      ['run_id', 'key', 'value'],
      list.filter((s) => s.lr0 !== undefined).map((s) => [s.id, 'lr0', s.lr0]),
    );
    await insert(
      'run_tags',
      ['run_id', 'key', 'value'],
      list.filter((s) => s.group !== undefined).map((s) => [s.id, 'group', s.group]),
    );
    const summaries = [
      ...list.filter((s) => s.map50).map((s) => summary(s.id, 'map50', s.map50!.last, s.map50!.max, s.map50!.max)),
      ...list.filter((s) => s.loss !== undefined).map((s) => summary(s.id, 'loss', s.loss!, s.loss!, s.loss!)),
    ];
    const columns = ['run_id', 'key', 'last_value', 'last_is_nan', 'last_step', 'last_timestamp', 'last_sequence', 'min_value', 'min_step', 'max_value', 'max_step', 'count'];
    for (let i = 0; i < summaries.length; i += 200) await insert('metric_summaries', columns, summaries.slice(i, i + 200));
  }

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
    if (!tdb) return;
    db = await openDatabase(tdb.config);
    await insert('experiments', ['id', 'name', 'tags', 'lifecycle'], [[experimentId, 'keyset', '[]', 'active']]);
    for (let i = 0; i < runs.length; i += 60) await seed(runs.slice(i, i + 60));
    repo = new SearchRunsRepository(db);
    service = new SearchRunsService(repo);
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  /** Every page of a search, concatenated (the names of the runs). */
  async function walk(orderBy: string[], first: number, filter: string | null = null): Promise<string[]> {
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; ; pages++) {
      const page = await service.searchRuns({ experimentIds: [experimentId], filter, orderBy, first, after });
      seen.push(...page.nodes.map((r) => r.name));
      if (!page.pageInfo.hasNextPage) return seen;
      if (pages > N) throw new Error('no end');
      after = page.pageInfo.endCursor;
    }
  }

  it.each(ORDERS.map((o) => [o]))('pages %j to the documented order, whatever the window and page size', async (order) => {
    if (!tdb) return;
    const expected = referenceOrder(runs, order);
    expect(expected).toHaveLength(N);
    try {
      for (const [minWindow, windowFactor] of [
        [2000, 4],
        [1, 1],
        [25, 2],
      ]) {
        repo.minWindow = minWindow;
        repo.windowFactor = windowFactor;
        for (const first of [7, 100]) expect(await walk(order, first)).toEqual(expected);
      }
    } finally {
      repo.minWindow = 2000;
      repo.windowFactor = 4;
    }
  });

  it('pages a filtered search (OR, a param compared as a string) to the same order restricted to its matches', async () => {
    if (!tdb) return;
    const matches = runs.filter((s) => s.lr0 === '10' || (s.map50 !== undefined && s.map50.last > 0.6));
    const order = ['metrics.map50 DESC', 'params.lr0'];
    expect(await walk(order, 9, "params.lr0 = '10' or metrics.map50 > 0.6")).toEqual(referenceOrder(matches, order));
  });

  it('shows no run twice and skips none when runs are created or changed while a person pages', async () => {
    if (!tdb) return;
    const order = ['metrics.map50 DESC', 'params.lr0'];
    const before = referenceOrder(runs, order);
    const args = { experimentIds: [experimentId], orderBy: order, first: 20 };
    const seen: string[] = [];
    let page = await service.searchRuns(args);
    seen.push(...page.nodes.map((r) => r.name));
    page = await service.searchRuns({ ...args, after: page.pageInfo.endCursor });
    seen.push(...page.nodes.map((r) => r.name));
    // Mid-paging: two runs sort before the cursor (an offset would shift every later page by two and show a run
    // twice), one sorts after it, and an unseen run's metric rises before the cursor.
    const added = seeds(3, 10_000);
    added[0].map50 = { last: 2, max: 2 };
    added[1].map50 = { last: 1.5, max: 1.5 };
    added[2].map50 = { last: -5, max: -5 };
    await seed(added);
    const raised = before[100];
    const raisedId = runs.find((s) => s.name === raised)!.id;
    await db.write((tx) => tx.query(`UPDATE metric_summaries SET last_value = 3 WHERE run_id = ${dialect === 'postgres' ? '$1' : '?'} AND key = 'map50'`, [raisedId]));
    for (;;) {
      if (!page.pageInfo.hasNextPage) break;
      page = await service.searchRuns({ ...args, after: page.pageInfo.endCursor });
      seen.push(...page.nodes.map((r) => r.name));
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toContain(added[2].name);
    expect(seen).not.toContain(added[0].name);
    expect(seen).not.toContain(raised);
    expect(seen.filter((n) => !added.some((a) => a.name === n))).toEqual(before.filter((n) => n !== raised));
    // Cleanup for the other tests: the added runs go, the raised run gets its value back.
    const original = runs.find((s) => s.id === raisedId)!.map50!.last;
    await db.write(async (tx) => {
      const p = (i: number) => (dialect === 'postgres' ? `$${i}` : '?');
      await tx.query(`UPDATE metric_summaries SET last_value = ${p(1)} WHERE run_id = ${p(2)} AND key = 'map50'`, [Number.isNaN(original) ? null : original, raisedId]);
      for (const a of added) {
        for (const table of ['metric_summaries', 'run_params', 'run_tags']) await tx.query(`DELETE FROM ${table} WHERE run_id = ${p(1)}`, [a.id]);
        await tx.query(`DELETE FROM runs WHERE id = ${p(1)}`, [a.id]);
      }
    });
    expect(await walk(order, 50)).toEqual(before);
  });

  it('refuses a cursor from another search, and a cursor whose key does not fit the order, as BAD_USER_INPUT', async () => {
    if (!tdb) return;
    const args = { experimentIds: [experimentId], orderBy: ['metrics.map50 DESC', 'params.lr0'], first: 5 };
    const cursor = (await service.searchRuns(args)).pageInfo.endCursor!;
    await expect(service.searchRuns({ ...args, orderBy: ['metrics.map50 ASC'], after: cursor })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: 'after: this cursor belongs to a search with other experimentIds, filter or orderBy',
    });
    const wire = decodeCursor(cursor, (v): v is { k: [unknown[], number, string]; q: string } => typeof v === 'object');
    const tampered = [
      { ...wire, k: [wire!.k[0], wire!.k[1], 'not-a-uuid'] },
      {
        ...wire,
        k: [
          [
            [0, 'text where a number goes'],
            [0, '0.01'],
          ],
          wire!.k[1],
          wire!.k[2],
        ],
      },
      {
        ...wire,
        k: [
          [
            [3, null],
            [0, '0.01'],
          ],
          wire!.k[1],
          wire!.k[2],
        ],
      },
    ];
    for (const t of tampered) {
      await expect(service.searchRuns({ ...args, after: encodeCursor(t) })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/^after: malformed cursor/) });
    }
    // A key at +Infinity survives the wire (JSON has no Infinity).
    const top = await service.searchRuns({ ...args, first: 1 });
    expect(top.nodes[0].name).toBe(referenceOrder(runs, args.orderBy)[0]);
    const next = await service.searchRuns({ ...args, first: 1, after: top.pageInfo.endCursor });
    expect(next.nodes[0].name).toBe(referenceOrder(runs, args.orderBy)[1]);
  });
});
