// metricSeries through HTTP and graphql-ws: a downsampled first read, then metricBatchLogged from its lastSequence
// with no gap and no duplicate; NaN as a gap; the complexity count and the argument bounds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases';
import { collect, startTestApp, type TestApp } from '../support/test-app';

const SERIES = `query($runId: ID!, $keys: [String!]!, $maxPoints: Int) {
  metricSeries(runId: $runId, keys: $keys, maxPoints: $maxPoints) { runId lastSequence series { key totalCount downsampled steps values } }
}`;
const BATCHES = `subscription($runId: ID!, $after: Int, $keys: [String!]) {
  metricBatchLogged(runId: $runId, afterSequence: $after, keys: $keys) { lastSequence points { key step sequence value } }
}`;
const LOG = `mutation($input: LogMetricsInput!) { logMetrics(input: $input) { lastSequence } }`;
const STEPS = 3000;

describe.each(DIALECTS)('metricSeries on %s', (dialect) => {
  let t: TestApp | undefined;
  let runId: string;
  const log = async (metrics: unknown[]) => {
    let last = 0;
    for (let i = 0; i < metrics.length; i += 1000) last = (await t!.gql(LOG, { input: { runId, metrics: metrics.slice(i, i + 1000) } })).data.logMetrics.lastSequence;
    return last;
  };

  beforeAll(async () => {
    t = await startTestApp(dialect, { maxQueryComplexity: 5000 });
    if (!t) return;
    const experimentId = (await t.gql(`mutation { createExperiment(input: { name: "series" }) { id } }`)).data.createExperiment.id;
    runId = (await t.gql(`mutation($e: ID!) { createRun(input: { experimentId: $e }) { id } }`, { e: experimentId })).data.createRun.id;
    const points = [];
    for (let s = 0; s < STEPS; s++) points.push({ key: 'metrics/mAP50(B)', value: s === 1500 ? 'NaN' : s / STEPS, step: s }, { key: 'lr', value: 0.01, step: s });
    await log(points);
  }, 60_000);
  afterAll(async () => t?.close());

  it('answers downsampled curves and the sequence they cover; the stream from it brings the next epoch only', async (ctx) => {
    if (!t) return ctx.skip();
    const res = await t.gql(SERIES, { runId: runId.slice(0, 8), keys: ['metrics/mAP50(B)', 'lr'], maxPoints: 100 });
    expect(res.errors).toBeUndefined();
    const got = res.data.metricSeries;
    expect(got).toMatchObject({ runId, lastSequence: 2 * STEPS });
    const [map50, lr] = got.series;
    expect(map50).toMatchObject({ key: 'map50', totalCount: STEPS, downsampled: true });
    expect(map50.steps.length).toBeLessThanOrEqual(100);
    expect(map50.steps.length).toBe(map50.values.length);
    expect([map50.steps[0], map50.steps.at(-1)]).toEqual([0, STEPS - 1]);
    // NaN travels as "NaN" at its step: a gap, not a dropped point.
    expect(map50.values[map50.steps.indexOf(1500)]).toBe('NaN');
    expect(lr).toMatchObject({ key: 'lr', totalCount: STEPS });
    expect(new Set(lr.values)).toEqual(new Set([0.01]));

    // Live from lastSequence: the replay part is empty, the next epoch comes once.
    const ws = t.ws();
    const sub = collect(ws, BATCHES, { runId, after: got.lastSequence, keys: ['map50', 'lr'] }, 1);
    await new Promise((r) => setTimeout(r, 200));
    const last = await log([
      { key: 'map50', value: 0.99, step: STEPS },
      { key: 'lr', value: 0.001, step: STEPS },
    ]);
    const [batch] = await sub.done;
    sub.stop();
    expect(batch.metricBatchLogged.points.map((p: { key: string; step: number; sequence: number }) => [p.key, p.step, p.sequence])).toEqual([
      ['map50', STEPS, got.lastSequence + 1],
      ['lr', STEPS, got.lastSequence + 2],
    ]);
    expect(last).toBe(got.lastSequence + 2);
  });

  it('works over graphql-ws too, answers null for an unknown run, and refuses unbounded reads', async (ctx) => {
    if (!t) return ctx.skip();
    const [viaWs] = await collect(t.ws(), SERIES, { runId, keys: ['lr'], maxPoints: 5000 }, 1).done;
    expect(viaWs.metricSeries.series[0]).toMatchObject({ key: 'lr', downsampled: false });
    expect(viaWs.metricSeries.series[0].steps.length).toBeGreaterThanOrEqual(STEPS);

    expect((await t.gql(SERIES, { runId: '00000000-0000-4000-8000-000000000000', keys: ['lr'] })).data).toEqual({ metricSeries: null });
    const big = await t.gql(SERIES, { runId, keys: ['lr'], maxPoints: 5001 });
    expect(big.errors[0]).toMatchObject({ message: 'maxPoints must be an integer between 10 and 5000, got 5001', extensions: { code: 'BAD_USER_INPUT' } });
    // 60 keys × 5,000 points: keys × ⌈maxPoints / 100⌉ × the selection is over the limit, refused before it runs.
    const keys = Array.from({ length: 60 }, (_, i) => `k${i}`);
    const wide = await t.gql(SERIES, { runId, keys, maxPoints: 5000 });
    expect(wide.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', maxComplexity: 5000 });
    expect(wide.errors[0].extensions.complexity).toBeGreaterThan(60 * 50);
    // The run page's read: 10 keys at 1,000 points.
    expect((await t.gql(SERIES, { runId, keys: keys.slice(0, 10), maxPoints: 1000 })).errors).toBeUndefined();
  });
});
