// Downsampled series (metricSeries) through the real services and repositories on SQLite and PostgreSQL: the shape
// survives (first and last points, spikes, NaN gaps), a flat curve stays small, a step logged twice shows its later
// value, short keys come back whole, aliases resolve, and the series cover exactly the run's committed sequence.
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../src/auth/roles';
import type { Database } from '../../src/database/database';
import type { MetricPointInput } from '../../src/metrics/metric-batch';
import { planBuckets } from '../../src/metrics/metric-series';
import { MetricSeriesRepository } from '../../src/metrics/metric-series.repository';
import { MetricSeriesService } from '../../src/metrics/metric-series.service';
import { MetricsService } from '../../src/metrics/metrics.service';
import { RunsService } from '../../src/runs/runs.service';
import { createTestDatabase, DIALECTS, openDatabase, type TestDatabase } from '../support/databases';
import { trackingServices } from '../support/tracking-services';

const actor = { name: 'tester', role: Role.EDITOR };
const STEPS = 10_000;
const wave = (s: number) => Math.sin(s / 300);
/** The loss curve's spikes and gap: what min-max buckets must keep. */
const SPIKE = { step: 4321, value: 50 };
const DIP = { step: 7000, value: -50 };
const NAN_STEP = 5000;

function lossAt(s: number): number {
  if (s === SPIKE.step) return SPIKE.value;
  if (s === DIP.step) return DIP.value;
  if (s === NAN_STEP) return Number.NaN;
  return wave(s);
}

describe.each(DIALECTS)('metric series on %s', (dialect) => {
  let tdb: TestDatabase | undefined;
  let db: Database;
  let metrics: MetricsService;
  let series: MetricSeriesService;
  let seriesRepo: MetricSeriesRepository;
  let runs: RunsService;
  let runId: string;

  const log = async (id: string, points: MetricPointInput[]) => {
    for (let i = 0; i < points.length; i += 1000) await metrics.logMetrics(id, points.slice(i, i + 1000));
  };

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
    if (!tdb) return;
    db = await openDatabase(tdb.config);
    const services = trackingServices(db, { maxMetricKeysPerRun: 1000 });
    ({ runs, metrics } = services);
    const { experiments } = services;
    seriesRepo = new MetricSeriesRepository(db);
    series = new MetricSeriesService(seriesRepo, runs);
    const experimentId = (await experiments.create({ name: 'series' }, actor)).id;
    runId = (await runs.createRun({ experimentId }, actor)).id;
    const points: MetricPointInput[] = [];
    for (let s = 0; s < STEPS; s++) {
      points.push({ key: 'train/loss', value: lossAt(s), step: s }, { key: 'lr', value: 0.01, step: s });
      if (s < 300) points.push({ key: 'metrics/mAP50(B)', value: s / 1000, step: s });
    }
    await log(runId, points);
    // The last loss step logged again: the later value is the one drawn.
    await log(runId, [{ key: 'train/loss', value: 7, step: STEPS - 1 }]);
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  it('keeps the shape of a long curve in at most maxPoints points: first and last, spikes, the NaN gap', async (ctx) => {
    if (!tdb) return ctx.skip();
    const got = (await series.series(runId.slice(0, 8), ['train/loss'], 1000))!;
    expect(got.runId).toBe(runId);
    expect(got.lastSequence).toBe((await runs.getRun(runId)).nextSequence);
    const [loss] = got.series;
    expect(loss).toMatchObject({ key: 'train/loss', count: STEPS + 1, downsampled: true });
    expect(loss.steps.length).toBeLessThanOrEqual(1000);
    // A smooth bucket keeps 2 to 4 points (its extremes are often its ends), a bucket with a spike or the gap more.
    expect(loss.steps.length).toBeGreaterThan(200);
    expect(loss.steps.every((s, i) => i === 0 || s > loss.steps[i - 1])).toBe(true);
    expect(loss.steps[0]).toBe(0);
    expect(loss.steps.at(-1)).toBe(STEPS - 1);
    expect(loss.values.at(-1)).toBe(7);
    const at = (step: number) => loss.values[loss.steps.indexOf(step)];
    expect(at(SPIKE.step)).toBe(SPIKE.value);
    expect(at(DIP.step)).toBe(DIP.value);
    expect(at(NAN_STEP)).toBeNaN();
    // Every kept point is a stored one, at its step.
    loss.steps.slice(0, -1).forEach((s, i) => (Number.isNaN(lossAt(s)) ? expect(loss.values[i]).toBeNaN() : expect(loss.values[i]).toBeCloseTo(lossAt(s), 12)));
  });

  it('keeps a flat curve small, gives a short key whole, resolves aliases and answers an empty series for an unknown key', async (ctx) => {
    if (!tdb) return ctx.skip();
    const got = (await series.series(runId, ['lr', 'metrics/mAP50(B)', 'map50', 'never_logged'], 1000))!;
    expect(got.series.map((s) => s.key)).toEqual(['lr', 'map50', 'never_logged']);
    const [lr, map50, none] = got.series;
    // One bucket of a flat curve keeps its first and last step, not every point at the minimum.
    expect(lr.downsampled).toBe(true);
    expect(lr.steps.length).toBeLessThanOrEqual(2 * 200);
    expect(new Set(lr.values)).toEqual(new Set([0.01]));
    expect(lr.steps.at(-1)).toBe(STEPS - 1);
    expect(map50).toMatchObject({ count: 300, downsampled: false });
    expect(map50.steps).toEqual(Array.from({ length: 300 }, (_, s) => s));
    expect(map50.values[299]).toBeCloseTo(0.299, 12);
    expect(none).toEqual({ key: 'never_logged', steps: [], values: [], count: 0, downsampled: false });
  });

  it('reads the same points by scanning the run or through the key index', async (ctx) => {
    if (!tdb) return ctx.skip();
    const at = (await seriesRepo.statsAt(runId, ['train/loss', 'lr']))!;
    const specs = planBuckets(at.stats, 400);
    const scanned = await seriesRepo.bucketPoints(runId, at.head, specs, true);
    const indexed = await seriesRepo.bucketPoints(runId, at.head, specs, false);
    expect(scanned.length).toBeGreaterThan(100);
    expect(indexed).toEqual(scanned);
  });

  it('covers exactly the committed sequence: points logged after are left for the stream', async (ctx) => {
    if (!tdb) return ctx.skip();
    const before = (await series.series(runId, ['map50'], 1000))!;
    await log(runId, [{ key: 'map50', value: 0.9, step: 300 }]);
    const after = (await series.series(runId, ['map50'], 1000))!;
    expect(after.lastSequence).toBe(before.lastSequence + 1);
    expect(before.series[0].steps.at(-1)).toBe(299);
    expect(after.series[0]).toMatchObject({ count: 301 });
    expect(after.series[0].values.at(-1)).toBe(0.9);
  });

  it('answers null for an unknown run and refuses unbounded arguments', async (ctx) => {
    if (!tdb) return ctx.skip();
    expect(await series.series('00000000-0000-4000-8000-000000000000', ['lr'])).toBeNull();
    await expect(series.series(runId, ['lr'], 5001)).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message: 'maxPoints must be an integer between 10 and 5000, got 5001' });
    await expect(series.series(runId, [])).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message: 'keys: between 1 and 100 metric keys a call, got 0' });
    const many = Array.from({ length: 101 }, (_, i) => `k${i}`);
    await expect(series.series(runId, many)).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message: 'keys: between 1 and 100 metric keys a call, got 101' });
  });
});
