// Services and repositories of experiments, runs and metrics on a real database (SQLite file and PostgreSQL).
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../src/auth/roles';
import type { Database } from '../../src/database/database';
import { ExperimentsService } from '../../src/experiments/experiments.service';
import { type PodiumPubSub } from '../../src/graphql/pubsub';
import { METRIC_LOGGED, type MetricLoggedEvent } from '../../src/metrics/metric-events';
import { IDLE_RECHECK_MS, MetricStreamService } from '../../src/metrics/metric-stream.service';
import type { MetricPointRow } from '../../src/metrics/metric-summary';
import { MetricsRepository } from '../../src/metrics/metrics.repository';
import { MetricsService } from '../../src/metrics/metrics.service';
import { RUN_UPDATED, type RunChange, type RunUpdatedEvent } from '../../src/runs/run-events';
import { RunStatus } from '../../src/runs/run-kind';
import { RunsService } from '../../src/runs/runs.service';
import { createTestDatabase, DIALECTS, type TestDatabase, openDatabase } from '../support/databases';
import { trackingServices } from '../support/tracking-services';

const actor = { name: 'tester', role: Role.EDITOR };

describe.each(DIALECTS)('tracking services on %s', (dialect) => {
  let tdb: TestDatabase | undefined;
  let db: Database;
  let pubSub: PodiumPubSub;
  let experiments: ExperimentsService;
  let runs: RunsService;
  let metrics: MetricsService;
  let metricsRepo: MetricsRepository;
  let experimentId: string;

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
    if (!tdb) return;
    db = await openDatabase(tdb.config);
    ({ pubSub, experiments, runs, metricsRepo, metrics } = trackingServices(db));
    experimentId = (await experiments.create({ name: 'medium' }, actor)).id;
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  const pointsOf = (runId: string) => db.read.query(`SELECT sequence, key, value, is_nan, step FROM metric_points WHERE run_id = ${dialect === 'postgres' ? '$1' : '?'} ORDER BY sequence`, [runId]);
  const summaryOf = (runId: string, key: string) =>
    db.read.query(`SELECT * FROM metric_summaries WHERE run_id = ${dialect === 'postgres' ? '$1' : '?'} AND key = ${dialect === 'postgres' ? '$2' : '?'}`, [runId, key]).then((r: any[]) => r[0]);

  it('records the actor, and keeps params immutable (same value a no-op, a different one CONFLICT, nothing half-written)', async (ctx) => {
    if (!tdb) return ctx.skip();
    const run = await runs.createRun({ experimentId, params: [{ key: 'imgsz', value: '416' }] }, actor);
    expect(run.createdBy).toBe('tester');
    await runs.logParams(run.id, [
      { key: 'imgsz', value: '416' },
      { key: 'lr0', value: '0.01' },
    ]);
    await expect(
      runs.logParams(run.id, [
        { key: 'seed', value: '1' },
        { key: 'lr0', value: '0.005' },
      ]),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'param "lr0" already has value "0.01"; refusing "0.005" (params are immutable)',
    });
    await expect(
      runs.logParams(run.id, [
        { key: 'a', value: '1' },
        { key: 'a', value: '2' },
      ]),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await runs.paramsByRunIds([run.id])).get(run.id)).toEqual([
      { key: 'imgsz', value: '416' },
      { key: 'lr0', value: '0.01' },
    ]);
  });

  it('finds an experiment by a name that reads like a uuid, and by id', async (ctx) => {
    if (!tdb) return ctx.skip();
    const name = randomUUID();
    const created = await experiments.create({ name }, actor);
    expect(created.id).not.toBe(name);
    expect(await experiments.findByRef({ name })).toMatchObject({ id: created.id, name });
    expect(await experiments.findByRef({ id: created.id })).toMatchObject({ id: created.id, name });
    expect(await experiments.findByRef({ id: name })).toBeNull();
    await expect(experiments.getByRef({ id: name })).rejects.toMatchObject({ code: 'NOT_FOUND', message: `Experiment "${name}" not found` });
  });

  it('refuses a blank run name on update (BAD_USER_INPUT, nothing changed) and trims a real one', async (ctx) => {
    if (!tdb) return ctx.skip();
    const run = await runs.createRun({ experimentId, name: 'keep' }, actor);
    await expect(runs.updateRun({ id: run.id, name: '   ', status: RunStatus.FINISHED }, actor)).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message: 'name must not be blank' });
    expect(await runs.getRun(run.id)).toMatchObject({ name: 'keep', status: RunStatus.RUNNING });
    expect(await runs.updateRun({ id: run.id, name: '  renamed ' }, actor)).toMatchObject({ name: 'renamed' });
  });

  it('announces a soft delete once when several deletes race (and the restore once)', async (ctx) => {
    if (!tdb) return ctx.skip();
    const run = await runs.createRun({ experimentId }, actor);
    const it = (pubSub.subscribe(RUN_UPDATED, experimentId) as AsyncIterable<RunUpdatedEvent>)[Symbol.asyncIterator]();
    const changes: RunChange[] = [];
    const pump = (async () => {
      for (let r = await it.next(); !r.done; r = await it.next()) {
        if (r.value.run.id !== run.id) continue;
        changes.push(r.value.change);
        if (r.value.change === 'RESTORED') break;
      }
    })();
    const deleted = await Promise.all([runs.deleteRun(run.id), runs.deleteRun(run.id), runs.deleteRun(run.id)]);
    expect(deleted.map((r) => r.lifecycle)).toEqual(['deleted', 'deleted', 'deleted']);
    await Promise.all([runs.restoreRun(run.id), runs.restoreRun(run.id)]);
    await pump;
    await it.return?.();
    expect(changes).toEqual(['DELETED', 'RESTORED']);
  });

  it('maintains summaries across batches with NaN and ±Infinity stored so they survive the database', async (ctx) => {
    if (!tdb) return ctx.skip();
    const run = await runs.createRun({ experimentId }, actor);
    const logged = await metrics.logMetrics(run.id, [
      { key: 'metrics/mAP50-95(B)', value: Number.NaN, step: 0 },
      { key: 'metrics/mAP50-95(B)', value: 0.12, step: 1 },
    ]);
    expect(logged).toEqual({ runId: run.id, count: 2, firstSequence: 1, lastSequence: 2, keys: ['map50_95'] });
    await metrics.logMetrics(run.id, [
      { key: 'map50_95', value: Number.POSITIVE_INFINITY, step: 3 },
      { key: 'map50_95', value: Number.NaN, step: 4 },
      { key: 'map50_95', value: 0.05, step: 2 },
    ]);
    const [s] = (await metrics.summariesByRunIds([run.id])).get(run.id)!;
    expect(s.last).toBeNaN();
    expect(s).toMatchObject({ key: 'map50_95', lastStep: 4, min: 0.05, minStep: 2, max: Number.POSITIVE_INFINITY, maxStep: 3, count: 5 });
    const raw = await summaryOf(run.id, 'map50_95');
    expect(raw.last_value).toBeNull();
    expect(Boolean(raw.last_is_nan)).toBe(true);
    const rows = await pointsOf(run.id);
    expect(rows.map((r: any) => [Number(r.sequence), r.value === null ? null : Number(r.value), Boolean(r.is_nan)])).toEqual([
      [1, null, true],
      [2, 0.12, false],
      [3, Number.POSITIVE_INFINITY, false],
      [4, null, true],
      [5, 0.05, false],
    ]);
  });

  it('rejects a batch atomically when the transaction fails midway: no points, no summary, no sequence spent', async (ctx) => {
    if (!tdb) return ctx.skip();
    const run = await runs.createRun({ experimentId }, actor);
    await metrics.logMetrics(run.id, [{ key: 'loss', value: 1, step: 0 }]);
    const original = metricsRepo.upsertSummaries.bind(metricsRepo);
    metricsRepo.upsertSummaries = async () => {
      throw new Error('disk full');
    };
    try {
      await expect(
        metrics.logMetrics(run.id, [
          { key: 'loss', value: 0.5, step: 1 },
          { key: 'map50', value: 0.3, step: 1 },
        ]),
      ).rejects.toThrow('disk full');
    } finally {
      metricsRepo.upsertSummaries = original;
    }
    expect((await pointsOf(run.id)).length).toBe(1);
    expect(Number((await summaryOf(run.id, 'loss')).count)).toBe(1);
    expect(await summaryOf(run.id, 'map50')).toBeUndefined();
    expect((await runs.getRun(run.id)).nextSequence).toBe(1);
    const next = await metrics.logMetrics(run.id, [{ key: 'loss', value: 0.4, step: 2 }]);
    expect(next.firstSequence).toBe(2);
  });

  it('refuses oversized and malformed batches before touching the database', async (ctx) => {
    if (!tdb) return ctx.skip();
    const run = await runs.createRun({ experimentId }, actor);
    await expect(
      metrics.logMetrics(
        run.id,
        Array.from({ length: 1001 }, (_, i) => ({ key: 'k', value: i, step: i })),
      ),
    ).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: 'logMetrics takes at most 1000 points a call, got 1001',
    });
    await expect(
      metrics.logMetrics(run.id, [
        { key: 'k', value: 1, step: 0.5 },
        { key: 'x'.repeat(251), value: 1, step: 0 },
      ]),
    ).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: 'Invalid metrics: metrics[0].step must be a 32-bit integer, got 0.5; metrics[1].key must be 1..250 characters',
    });
    await expect(metrics.logMetrics(run.id, [{ key: 'k', value: 1, step: 0, timestamp: -5 }])).rejects.toMatchObject({
      message: 'Invalid metrics: metrics[0].timestamp must be epoch milliseconds (a non-negative number), got -5',
    });
    expect((await pointsOf(run.id)).length).toBe(0);
    await metrics.logMetrics(run.id, [{ key: 'k', value: 1, step: 0, timestamp: 1_795_683_300_123.6 }]);
    expect((await metrics.history(run.id, 'k')).nodes[0].timestamp).toBe(1_795_683_300_124);
    expect(await metrics.logMetrics(run.id, [])).toEqual({ runId: run.id, count: 0, firstSequence: null, lastSequence: null, keys: [] });
    const unknown = randomUUID();
    await expect(metrics.logMetrics(unknown, [])).rejects.toMatchObject({ code: 'NOT_FOUND', message: `Run "${unknown}" not found` });
  });

  it('a metric stream of a quiet run ends at once when the subscriber leaves (no listener left waiting for an event)', async (ctx) => {
    if (!tdb) return ctx.skip();
    const streams = new MetricStreamService(metricsRepo, runs, pubSub);
    const run = await runs.createRun({ experimentId }, actor);
    await metrics.logMetrics(run.id, [{ key: 'loss', value: 1, step: 0 }]);
    const it = streams.stream(run.id);
    expect((await it.next()).value).toMatchObject({ key: 'loss', sequence: 1 });
    const pending = it.next();
    await new Promise((r) => setTimeout(r, 50));
    const closed = await Promise.race([it.return(undefined).then(() => 'closed'), new Promise((r) => setTimeout(() => r('still waiting'), 2000))]);
    expect(closed).toBe('closed');
    expect(await pending).toEqual({ done: true, value: undefined });
    // Points logged afterwards reach nobody and break nothing.
    await metrics.logMetrics(run.id, [{ key: 'loss', value: 0.5, step: 1 }]);
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it("a run's streams share one bus subscription: one leaving keeps the others fed; the last leaving drops it, a newcomer takes a new one", async (ctx) => {
    if (!tdb) return ctx.skip();
    // The real bus, counting the subscriptions the streams open and close.
    let open = 0;
    let opened = 0;
    const counting = {
      ...pubSub,
      publish: pubSub.publish.bind(pubSub),
      subscribe: (...args: Parameters<PodiumPubSub['subscribe']>) => {
        const inner = pubSub.subscribe(...args)[Symbol.asyncIterator]();
        open++;
        opened++;
        return {
          [Symbol.asyncIterator]: () => ({
            next: () => inner.next(),
            return: async () => {
              open--;
              return inner.return!();
            },
          }),
        };
      },
    } as unknown as PodiumPubSub;
    const streams = new MetricStreamService(metricsRepo, runs, counting);
    const run = await runs.createRun({ experimentId }, actor);
    const a = streams.stream(run.id);
    const b = streams.stream(run.id);
    const firstA = a.next();
    const firstB = b.next();
    await new Promise((r) => setTimeout(r, 50));
    expect([open, opened]).toEqual([1, 1]);
    await metrics.logMetrics(run.id, [{ key: 'loss', value: 1, step: 0 }]);
    expect([(await firstA).value, (await firstB).value]).toMatchObject([{ sequence: 1 }, { sequence: 1 }]);
    await a.return(undefined);
    expect(open).toBe(1);
    const nextB = b.next();
    await metrics.logMetrics(run.id, [{ key: 'loss', value: 0.5, step: 1 }]);
    expect((await nextB).value).toMatchObject({ key: 'loss', sequence: 2, value: 0.5 });
    await b.return(undefined);
    expect(open).toBe(0);
    // A newcomer opens a new subscription, replays what it missed and goes on live.
    const c = streams.stream(run.id, { afterSequence: 1 });
    expect((await c.next()).value).toMatchObject({ sequence: 2 });
    const nextC = c.next();
    await metrics.logMetrics(run.id, [{ key: 'loss', value: 0.25, step: 2 }]);
    expect((await nextC).value).toMatchObject({ sequence: 3, value: 0.25 });
    expect([open, opened]).toEqual([1, 2]);
    await c.return(undefined);
    expect(open).toBe(0);
  });

  it('a metric stream whose bus lost the events still delivers the committed points, in order, after an idle recheck', async (ctx) => {
    if (!tdb) return ctx.skip();
    // A bus that never delivers (a Redis subscription not active yet, or a dropped message).
    const deaf = {
      publish: () => undefined,
      subscribe: () => ({ [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<unknown>>(() => undefined), return: async () => ({ done: true, value: undefined }) }) }),
      close: async () => undefined,
    } as unknown as PodiumPubSub;
    const streams = new MetricStreamService(metricsRepo, runs, deaf);
    const run = await runs.createRun({ experimentId }, actor);
    const it = streams.batches(run.id, { keys: ['map50'] });
    const first = it.next();
    await new Promise((r) => setTimeout(r, 100));
    await metrics.logMetrics(run.id, [
      { key: 'metrics/mAP50(B)', value: 0.1, step: 0 },
      { key: 'loss', value: 2, step: 0 },
      { key: 'map50', value: 0.2, step: 1 },
    ]);
    const started = Date.now();
    const batch = (await first).value as MetricPointRow[];
    expect(Date.now() - started).toBeLessThan(IDLE_RECHECK_MS + 1500);
    expect(batch.map((p) => [p.key, p.sequence])).toEqual([
      ['map50', 1],
      ['map50', 3],
    ]);
    await it.return(undefined);
  });

  it('serialises concurrent writers of one run: contiguous sequences, each batch contiguous, one event per batch after commit', async (ctx) => {
    if (!tdb) return ctx.skip();
    const run = await runs.createRun({ experimentId }, actor);
    const events: MetricLoggedEvent[] = [];
    const it = (pubSub.subscribe(METRIC_LOGGED, run.id) as AsyncIterable<MetricLoggedEvent>)[Symbol.asyncIterator]();
    const pump = (async () => {
      for (let r = await it.next(); !r.done; r = await it.next()) {
        events.push(r.value);
        // The event is published after commit: its points are already readable.
        const stored = await pointsOf(run.id);
        expect(stored.length).toBeGreaterThanOrEqual(r.value.lastSequence);
      }
    })();
    const batches = await Promise.all(
      Array.from({ length: 8 }, (_, w) =>
        metrics.logMetrics(
          run.id,
          Array.from({ length: 50 }, (_, i) => ({ key: `w${w}`, value: i, step: i })),
        ),
      ),
    );
    for (const b of batches) expect([b.count, b.lastSequence! - b.firstSequence!]).toEqual([50, 49]);
    expect(batches.map((b) => b.firstSequence!).sort((a, b) => a - b)).toEqual([1, 51, 101, 151, 201, 251, 301, 351]);
    expect((await pointsOf(run.id)).map((r: any) => Number(r.sequence))).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
    await new Promise((r) => setTimeout(r, 200));
    await it.return?.();
    await pump;
    expect(events.map((e) => e.firstSequence).sort((a, b) => a - b)).toEqual([1, 51, 101, 151, 201, 251, 301, 351]);
    expect((await runs.getRun(run.id)).nextSequence).toBe(400);
  });
});
