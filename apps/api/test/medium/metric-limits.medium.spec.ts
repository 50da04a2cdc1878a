// Bounded metric reads, the per-run key limit and idempotent batches, through the real services and repositories on
// SQLite and PostgreSQL (issue 10, items 4 and 7).
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../src/auth/roles';
import type { Database } from '../../src/database/database';
import { type PodiumPubSub } from '../../src/graphql/pubsub';
import type { MetricPointInput } from '../../src/metrics/metric-batch';
import { METRIC_LOGGED, type MetricLoggedEvent } from '../../src/metrics/metric-events';
import { MetricReceiptsSweeper } from '../../src/metrics/metric-receipts.sweeper';
import { MetricsRepository } from '../../src/metrics/metrics.repository';
import { MetricsService } from '../../src/metrics/metrics.service';
import { EvidenceRepository } from '../../src/registry/evidence.repository';
import { RunAnalysisService } from '../../src/registry/run-analysis.service';
import { TrackedRunsLoader } from '../../src/registry/tracked-runs.loader';
import { shortIdOf } from '../../src/runs/run.entity';
import { RunsRepository } from '../../src/runs/runs.repository';
import { RunsService } from '../../src/runs/runs.service';
import { MetricKeyLimits1795700200000 as PostgresMigration } from '../../src/database/migrations/postgres/1795700200000-MetricKeyLimits';
import { MetricKeyLimits1795700200000 as SqliteMigration } from '../../src/database/migrations/sqlite/1795700200000-MetricKeyLimits';
import { createTestDatabase, DIALECTS, openDatabase, type TestDatabase } from '../support/databases';
import { seedTrainingRun } from '../support/seed';
import { trackingServices } from '../support/tracking-services';

const actor = { name: 'tester', role: Role.EDITOR };
const KEY_LIMIT = 40;
const TTL_SECONDS = 3600;

const points = (keys: readonly string[], step = 0): MetricPointInput[] => keys.map((key, i) => ({ key, value: i / 10, step }));
const keysOf = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);

describe.each(DIALECTS)('metric limits on %s', (dialect) => {
  let tdb: TestDatabase | undefined;
  let db: Database;
  let pubSub: PodiumPubSub;
  let runs: RunsService;
  let metrics: MetricsService;
  let repo: MetricsRepository;
  let sweeper: MetricReceiptsSweeper;
  let experimentId: string;
  const q = (sql: string, params: unknown[]) => {
    let n = 0;
    return db.read.query(dialect === 'postgres' ? sql.replace(/\?/g, () => `$${++n}`) : sql, params);
  };
  const pointCount = async (runId: string) => Number((await q('SELECT count(*) AS n FROM metric_points WHERE run_id = ?', [runId]))[0].n);
  const summaryKeys = async (runId: string) => (await q('SELECT key FROM metric_summaries WHERE run_id = ? ORDER BY key', [runId])).map((r: { key: string }) => r.key);
  const receiptCount = async (runId: string) => Number((await q('SELECT count(*) AS n FROM metric_batch_receipts WHERE run_id = ?', [runId]))[0].n);
  const newRun = async () => (await runs.createRun({ experimentId }, actor)).id;
  /** METRIC_LOGGED events of a run while `work` runs (and shortly after: events are published after commit). */
  const eventsDuring = async (runId: string, work: () => Promise<unknown>): Promise<MetricLoggedEvent[]> => {
    const events: MetricLoggedEvent[] = [];
    const it = (pubSub.subscribe(METRIC_LOGGED, runId) as AsyncIterable<MetricLoggedEvent>)[Symbol.asyncIterator]();
    const pump = (async () => {
      for (let r = await it.next(); !r.done; r = await it.next()) events.push(r.value);
    })();
    await work();
    await new Promise((r) => setTimeout(r, 100));
    await it.return?.();
    await pump;
    return events;
  };

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
    if (!tdb) return;
    db = await openDatabase(tdb.config);
    const services = trackingServices(db, { maxMetricKeysPerRun: KEY_LIMIT, metricIdempotencyTtlSeconds: TTL_SECONDS });
    ({ pubSub, runs, metricsRepo: repo, metrics } = services);
    const { experiments } = services;
    sweeper = new MetricReceiptsSweeper(db, repo, services.metricsConfig);
    experimentId = (await experiments.create({ name: 'limits' }, actor)).id;
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  describe('per-run key limit', () => {
    it('refuses a batch that brings the run past the limit, whole, and keeps the count on the run row', async (ctx) => {
      if (!tdb) return ctx.skip();
      const runId = await newRun();
      await metrics.logMetrics(runId, points(keysOf('k', 30)));
      expect((await runs.getRun(runId)).metricKeyCount).toBe(30);
      // 8 known keys and 11 new ones: 41 > 40.
      const over = [...points(keysOf('k', 8), 1), ...points(keysOf('n', 11), 1)];
      await expect(metrics.logMetrics(runId, over)).rejects.toMatchObject({
        code: 'BAD_USER_INPUT',
        message: `run ${shortIdOf(runId)} has 30 distinct metric keys and this batch adds 11 new ones: past the limit of 40 keys per run (PODIUM_MAX_METRIC_KEYS_PER_RUN); nothing was stored`,
        details: { reason: 'METRIC_KEY_LIMIT', limit: 40, keyCount: 30, newKeys: 11 },
      });
      expect(await pointCount(runId)).toBe(30);
      expect((await summaryKeys(runId)).length).toBe(30);
      expect(await runs.getRun(runId)).toMatchObject({ nextSequence: 30, metricKeyCount: 30 });
      // Up to the limit exactly, an alias and its canonical key counting once; known keys are always accepted after.
      const upTo = await metrics.logMetrics(runId, [...points(keysOf('n', 9), 1), { key: 'metrics/mAP50(B)', value: 0.1, step: 1 }, { key: 'map50', value: 0.2, step: 2 }]);
      expect(upTo).toMatchObject({ count: 11, firstSequence: 31, lastSequence: 41 });
      expect(await runs.getRun(runId)).toMatchObject({ nextSequence: 41, metricKeyCount: 40 });
      await expect(metrics.logMetrics(runId, points(['one-more']))).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { keyCount: 40, newKeys: 1 } });
      expect((await metrics.logMetrics(runId, points(keysOf('k', 30), 5))).count).toBe(30);
      expect((await summaryKeys(runId)).length).toBe(40);
    });

    it('counts the keys of concurrent batches on one run exactly (the run row is locked per batch)', async (ctx) => {
      if (!tdb) return ctx.skip();
      const runId = await newRun();
      // Six writers, 10 new keys each: four fit under 40, two are refused, whichever order they commit in.
      const results = await Promise.allSettled(Array.from({ length: 6 }, (_, w) => metrics.logMetrics(runId, points(keysOf(`w${w}-`, 10)))));
      expect(results.filter((r) => r.status === 'fulfilled').length).toBe(4);
      expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
      expect(await runs.getRun(runId)).toMatchObject({ metricKeyCount: 40, nextSequence: 40 });
      expect((await summaryKeys(runId)).length).toBe(40);
    });
  });

  describe('bounded reads', () => {
    let a: string;
    let b: string;
    beforeAll(async () => {
      if (!tdb) return;
      a = await newRun();
      b = await newRun();
      await metrics.logMetrics(a, [...points(keysOf('m', 35)), { key: 'metrics/mAP50(B)', value: 0.4, step: 3 }]);
      await metrics.logMetrics(b, points(keysOf('m', 5)));
    });

    it('pages each run’s summaries in key order: first, then after the last key', async (ctx) => {
      if (!tdb) return ctx.skip();
      const page = await metrics.summaryPages([a, b], { first: 10 });
      expect(page.get(a)!.map((s) => s.key)).toEqual(keysOf('m', 10));
      expect(page.get(b)!.map((s) => s.key)).toEqual(keysOf('m', 5));
      const next = await metrics.summaryPages([a, b], { first: 30, after: 'm009' });
      expect(next.get(a)!.map((s) => s.key)).toEqual([...keysOf('m', 35).slice(10), 'map50']);
      expect(next.get(b)).toEqual([]);
      expect((await metrics.summaryPages([a], {})).get(a)!.length).toBe(36);
    });

    it('reads only the named keys (aliases included), still bounded by first', async (ctx) => {
      if (!tdb) return ctx.skip();
      const page = await metrics.summaryPages([a, b], { keys: ['metrics/mAP50(B)', 'm004', 'm001', 'absent'] });
      expect(page.get(a)!.map((s) => [s.key, s.last])).toEqual([
        ['m001', 0.1],
        ['m004', 0.4],
        ['map50', 0.4],
      ]);
      expect(page.get(b)!.map((s) => s.key)).toEqual(['m001', 'm004']);
      expect((await metrics.summaryPages([a], { keys: ['m001', 'm004', 'map50'], first: 2 })).get(a)!.map((s) => s.key)).toEqual(['m001', 'm004']);
      expect((await metrics.summaryPages([a], { keys: ['m001', 'm004', 'map50'], after: 'm001' })).get(a)!.map((s) => s.key)).toEqual(['m004', 'map50']);
    });

    it('refuses unbounded pages', async (ctx) => {
      if (!tdb) return ctx.skip();
      await expect(metrics.summaryPages([a], { first: 1001 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message: 'metrics: first must be an integer between 1 and 1000, got 1001' });
      await expect(metrics.summaryPages([a], { first: 0 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      await expect(metrics.summaryPages([a], { keys: keysOf('x', 101) })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message: 'metrics: at most 100 keys a call, got 101' });
    });

    it('compareRuns and gridAnalysis load only the asked keys, by canonical key or alias', async (ctx) => {
      if (!tdb) return ctx.skip();
      const loader = new TrackedRunsLoader(runs, metrics);
      const snapshots = await loader.snapshots([a, b], ['metrics/mAP50(B)', 'm002']);
      expect(snapshots.map((s) => Object.keys(s.metrics).sort())).toEqual([['m002', 'map50', 'metrics/mAP50(B)'], ['m002']]);
      const analysis = new RunAnalysisService(loader);
      const compared = await analysis.compareRuns([shortIdOf(a), b], ['metrics/mAP50(B)', 'm002', 'absent']);
      expect(compared.metrics.map((m) => [m.key, m.summaries.map((s) => s?.last ?? null)])).toEqual([
        ['metrics/mAP50(B)', [0.4, null]],
        ['m002', [0.2, 0.2]],
        ['absent', [null, null]],
      ]);
      const grid = await analysis.gridAnalysis({ runIds: [a, b] }, 'm003', 'LAST');
      expect(grid.runs.map((r) => r.value)).toEqual([0.3, 0.3]);
    });

    it('the registry evidence reads summaries through the metrics repository (NaN decoded once, the same shape)', async (ctx) => {
      if (!tdb) return ctx.skip();
      const runId = await newRun();
      await metrics.logMetrics(runId, [
        { key: 'map50', value: 0.5, step: 0 },
        { key: 'map50', value: Number.NaN, step: 1 },
      ]);
      const evidence = new EvidenceRepository(repo, new RunsRepository(db));
      const found = await db.write((tx) => evidence.findSummaries(tx, [runId]));
      const s = found.get(runId)!.map50;
      expect(Object.keys(s).sort()).toEqual(['last', 'lastStep', 'max', 'maxStep', 'min', 'minStep']);
      expect(s.last).toBeNaN();
      expect(s).toMatchObject({ lastStep: 1, min: 0.5, minStep: 0, max: 0.5, maxStep: 0 });
    });
  });

  describe('idempotent batches', () => {
    const batch = points(['loss', 'metrics/mAP50(B)', 'loss'], 7);

    it('a retry under the same key returns the first answer, stores nothing and publishes nothing', async (ctx) => {
      if (!tdb) return ctx.skip();
      const runId = await newRun();
      let first: unknown;
      let retry: unknown;
      const events = await eventsDuring(runId, async () => {
        first = await metrics.logMetrics(runId, batch, { idempotencyKey: 'batch-7' });
        retry = await metrics.logMetrics(runId, batch, { idempotencyKey: 'batch-7' });
      });
      expect(first).toEqual({ runId, count: 3, firstSequence: 1, lastSequence: 3, keys: ['loss', 'map50'] });
      expect(retry).toEqual(first);
      expect(events.map((e) => [e.firstSequence, e.lastSequence])).toEqual([[1, 3]]);
      expect(await pointCount(runId)).toBe(3);
      expect(await runs.getRun(runId)).toMatchObject({ nextSequence: 3, metricKeyCount: 2 });
      // Another key is another batch; no key is no idempotency.
      expect(await metrics.logMetrics(runId, batch, { idempotencyKey: 'batch-8' })).toMatchObject({ firstSequence: 4, lastSequence: 6 });
      expect(await metrics.logMetrics(runId, batch)).toMatchObject({ firstSequence: 7 });
      expect(await pointCount(runId)).toBe(9);
    });

    it('the same key with other content is CONFLICT, and nothing is stored', async (ctx) => {
      if (!tdb) return ctx.skip();
      const runId = await newRun();
      await metrics.logMetrics(runId, batch, { idempotencyKey: 'k1' });
      const other = [...batch.slice(0, 2), { ...batch[2], value: 0.99 }];
      await expect(metrics.logMetrics(runId, other, { idempotencyKey: 'k1' })).rejects.toMatchObject({
        code: 'CONFLICT',
        message: `idempotencyKey "k1" was already used on run ${shortIdOf(runId)} for a batch with other content (sequences 1..3); send new content under a new key`,
        details: { reason: 'IDEMPOTENCY_KEY_REUSED', idempotencyKey: 'k1', firstSequence: 1, lastSequence: 3 },
      });
      expect(await pointCount(runId)).toBe(3);
      // Keys are per run: the same key on another run is a new batch there.
      const otherRun = await newRun();
      expect(await metrics.logMetrics(otherRun, other, { idempotencyKey: 'k1' })).toMatchObject({ count: 3, firstSequence: 1 });
    });

    it('concurrent retries under one key store the batch once and all get its answer', async (ctx) => {
      if (!tdb) return ctx.skip();
      const runId = await newRun();
      const answers = await Promise.all(Array.from({ length: 6 }, () => metrics.logMetrics(runId, batch, { idempotencyKey: 'race' })));
      for (const a of answers) expect(a).toEqual({ runId, count: 3, firstSequence: 1, lastSequence: 3, keys: ['loss', 'map50'] });
      expect(await pointCount(runId)).toBe(3);
      expect(await receiptCount(runId)).toBe(1);
    });

    it('when the key’s primary key refuses a second receipt, the batch is answered from the first (the backstop behind the run lock)', async (ctx) => {
      if (!tdb) return ctx.skip();
      const runId = await newRun();
      const first = await metrics.logMetrics(runId, batch, { idempotencyKey: 'backstop' });
      // A reader that misses the committed receipt once, as a second writer racing past the lock would.
      const findReceipt = repo.findReceipt.bind(repo);
      let misses = 1;
      repo.findReceipt = async (...args) => (misses-- > 0 ? undefined : findReceipt(...args));
      try {
        expect(await metrics.logMetrics(runId, batch, { idempotencyKey: 'backstop' })).toEqual(first);
      } finally {
        repo.findReceipt = findReceipt;
      }
      expect(await pointCount(runId)).toBe(3);
      expect((await runs.getRun(runId)).nextSequence).toBe(3);
    });

    it('forgets a key after the retention time: a retry then stores again, and the sweep deletes expired receipts', async (ctx) => {
      if (!tdb) return ctx.skip();
      const runId = await newRun();
      await metrics.logMetrics(runId, batch, { idempotencyKey: 'old' });
      await metrics.logMetrics(runId, batch, { idempotencyKey: 'fresh' });
      // Age the first receipt past the retention time.
      const past = Date.now() - TTL_SECONDS * 1000 - 1000;
      await db.write((tx) => tx.query(`UPDATE metric_batch_receipts SET created_at = ${dialect === 'postgres' ? '$1' : '?'} WHERE idempotency_key = 'old'`, [past]));
      expect(await metrics.logMetrics(runId, batch, { idempotencyKey: 'old' })).toMatchObject({ firstSequence: 7, lastSequence: 9 });
      expect(await metrics.logMetrics(runId, batch, { idempotencyKey: 'fresh' })).toMatchObject({ firstSequence: 4, lastSequence: 6 });
      expect(await receiptCount(runId)).toBe(2);
      // An hour and a bit later both are expired: the sweep removes them (and only expired ones).
      expect(await sweeper.prune(Date.now())).toBe(0);
      expect(await sweeper.prune(Date.now() + TTL_SECONDS * 1000 + 5000)).toBeGreaterThanOrEqual(2);
      expect(await receiptCount(runId)).toBe(0);
    });

    it('refuses a malformed key before touching the database', async (ctx) => {
      if (!tdb) return ctx.skip();
      const runId = await newRun();
      for (const bad of ['', 'has space', 'x'.repeat(129), 'tab\there', 'é']) {
        await expect(metrics.logMetrics(runId, batch, { idempotencyKey: bad })).rejects.toMatchObject({
          code: 'BAD_USER_INPUT',
          message: 'idempotencyKey must be 1..128 printable ASCII characters without spaces',
        });
      }
      expect(await pointCount(runId)).toBe(0);
    });
  });

  it('the migration counts the keys runs already have', async (ctx) => {
    if (!tdb) return ctx.skip();
    const { runId } = await seedTrainingRun(db, 'before-the-limit');
    const { runId: empty } = await seedTrainingRun(db, 'no-metrics');
    const p = (n: number) => (dialect === 'postgres' ? `$${n}` : '?');
    await db.write(async (tx) => {
      for (const key of ['a', 'b', 'c']) {
        await tx.query(`INSERT INTO metric_summaries (run_id, key, last_value, last_is_nan, last_step, last_timestamp, last_sequence, count) VALUES (${[1, 2, 3, 4, 5, 6, 7, 8].map(p).join(',')})`, [
          runId,
          key,
          1,
          dialect === 'postgres' ? false : 0,
          0,
          0,
          1,
          1,
        ]);
      }
    });
    const migration = dialect === 'postgres' ? new PostgresMigration() : new SqliteMigration();
    const runner = db.writer.createQueryRunner();
    try {
      await migration.down(runner);
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    expect((await runs.getRun(runId)).metricKeyCount).toBe(3);
    expect((await runs.getRun(empty)).metricKeyCount).toBe(0);
  });
});
