import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases';
import { collect, startTestApp, type TestApp } from '../support/test-app';

const LOG = `mutation($input: LogMetricsInput!) { logMetrics(input: $input) { runId count firstSequence lastSequence keys } }`;
const SUB = `subscription($runId: ID!, $keys: [String!], $after: Int, $fromStep: Int) {
  metricLogged(runId: $runId, keys: $keys, afterSequence: $after, fromStep: $fromStep) { runId key value step timestamp sequence }
}`;

interface Point {
  runId: string;
  key: string;
  value: number | string;
  step: number;
  timestamp: number;
  sequence: number;
}

/** Ultralytics-style per-epoch metrics, as its MLflow callback sends them (parentheses stripped) or as logged raw. */
function epochMetrics(epoch: number, seed: number, raw: boolean) {
  const m = (k: string) => (raw ? `metrics/${k}(B)` : `metrics/${k}B`);
  const base = 0.2 + 0.03 * epoch + seed * 1e-4;
  return [
    { key: m('mAP50'), value: base, step: epoch },
    { key: m('mAP50-95'), value: base / 2, step: epoch },
    { key: m('precision'), value: base + 0.1, step: epoch },
    { key: m('recall'), value: base + 0.05, step: epoch },
    { key: 'train/box_loss', value: 1.5 - 0.1 * epoch, step: epoch },
  ];
}

describe.each(DIALECTS)('metrics on %s', (dialect) => {
  let t: TestApp | undefined;
  let experimentId: string;
  const newRun = async (name: string, params: { key: string; value: string }[] = []): Promise<string> => {
    const res = await t!.gql(`mutation($e: ID!, $n: String, $p: [KeyValueInput!]) { createRun(input: { experimentId: $e, name: $n, params: $p }) { id } }`, { e: experimentId, n: name, p: params });
    return res.data.createRun.id;
  };
  const log = (runId: string, metrics: unknown[]) => t!.gql(LOG, { input: { runId, metrics } });

  beforeAll(async () => {
    t = await startTestApp(dialect);
    if (!t) return;
    experimentId = (await t.gql(`mutation { createExperiment(input: { name: "grid" }) { id } }`)).data.createExperiment.id;
  });
  afterAll(async () => t?.close());

  it('stores Ultralytics keys under canonical keys, NaN and ±Infinity included, and keeps summaries on write', async (ctx) => {
    if (!t) return ctx.skip();
    const runId = await newRun('summaries');
    const res = await log(runId, [
      { key: 'metrics/mAP50(B)', value: 0.25, step: 0, timestamp: 1000 },
      { key: 'metrics/mAP50B', value: 0.31, step: 2, timestamp: 1002 },
      { key: 'metrics/mAP50(B)', value: 'NaN', step: 1, timestamp: 1001 },
      { key: 'train/box_loss', value: 'Infinity', step: 0 },
      { key: 'train/box_loss', value: '-Infinity', step: 1 },
    ]);
    expect(res.errors).toBeUndefined();
    expect(res.data.logMetrics).toEqual({ runId, count: 5, firstSequence: 1, lastSequence: 5, keys: ['map50', 'train/box_loss'] });
    const run = await t.gql(`query($id: ID!) { run(id: $id) { lastSequence metrics { key last lastStep min minStep max maxStep count } } }`, { id: runId });
    expect(run.data.run.lastSequence).toBe(5);
    expect(run.data.run.metrics).toEqual([
      { key: 'map50', last: 0.31, lastStep: 2, min: 0.25, minStep: 0, max: 0.31, maxStep: 2, count: 3 },
      { key: 'train/box_loss', last: '-Infinity', lastStep: 1, min: '-Infinity', minStep: 1, max: 'Infinity', maxStep: 0, count: 2 },
    ]);
    const only = await t.gql(`query($id: ID!) { run(id: $id) { metrics(keys: ["metrics/mAP50-95(B)", "metrics/mAP50(B)"]) { key } } }`, { id: runId });
    expect(only.data.run.metrics).toEqual([{ key: 'map50' }]);
    const history = await t.gql(
      `query($id: ID!) { metricHistory(runId: $id, key: "metrics/mAP50(B)", first: 2) { totalCount nodes { step value sequence timestamp } pageInfo { hasNextPage endCursor } } }`,
      { id: runId },
    );
    expect(history.data.metricHistory.totalCount).toBe(3);
    expect(history.data.metricHistory.nodes).toEqual([
      { step: 0, value: 0.25, sequence: 1, timestamp: 1000 },
      { step: 1, value: 'NaN', sequence: 3, timestamp: 1001 },
    ]);
    const rest = await t.gql(`query($id: ID!, $a: String) { metricHistory(runId: $id, key: "map50", first: 2, after: $a) { nodes { step value } pageInfo { hasNextPage } } }`, {
      id: runId,
      a: history.data.metricHistory.pageInfo.endCursor,
    });
    expect(rest.data.metricHistory).toEqual({ nodes: [{ step: 2, value: 0.31 }], pageInfo: { hasNextPage: false } });
  });

  it('refuses bad batches with clear errors and writes nothing', async (ctx) => {
    if (!t) return ctx.skip();
    const runId = await newRun('bad');
    const tooMany = await log(
      runId,
      Array.from({ length: 1001 }, (_, i) => ({ key: 'k', value: i, step: i })),
    );
    expect(tooMany.errors![0]).toMatchObject({ message: 'Invalid input: metrics: logMetrics takes at most 1000 points a call', extensions: { code: 'BAD_USER_INPUT' } });
    const unknown = await log('00000000-0000-4000-8000-000000000000', [{ key: 'k', value: 1, step: 0 }]);
    expect(unknown.errors![0]).toMatchObject({ message: 'Run "00000000-0000-4000-8000-000000000000" not found', extensions: { code: 'NOT_FOUND' } });
    const badValue = await log(runId, [
      { key: 'k', value: 1, step: 0 },
      { key: 'k', value: 'inf', step: 1 },
    ]);
    // Variable coercion errors: graphql-js refuses the whole operation before anything runs.
    expect(badValue.errors![0].message).toMatch(/MetricValue must be a number, or one of the strings "NaN", "Infinity", "-Infinity", got "inf"/);
    const badStep = await log(runId, [
      { key: 'k', value: 1, step: 0 },
      { key: 'k', value: 2, step: 1.5 },
    ]);
    expect(badStep.errors![0].message).toMatch(/Int cannot represent non-integer value: 1.5/);
    const badKey = await log(runId, [
      { key: 'k', value: 1, step: 0 },
      { key: '', value: 2, step: 1 },
    ]);
    expect(badKey.errors![0]).toMatchObject({ message: 'Invalid metrics: metrics[1].key must be 1..250 characters', extensions: { code: 'BAD_USER_INPUT' } });
    const run = await t.gql(`query($id: ID!) { run(id: $id) { lastSequence metrics { key } } }`, { id: runId });
    expect(run.data.run).toEqual({ lastSequence: 0, metrics: [] });
  });

  it('streams the nine-run seed grid: every subscriber receives every point of its run exactly once, in sequence order', async (ctx) => {
    if (!t) return ctx.skip();
    const grid: { name: string; params: { key: string; value: string }[]; seed: number }[] = [];
    for (const imgsz of ['320', '416'])
      for (const lr0 of ['0.01', '0.005'])
        for (const seed of [42, 1])
          grid.push({
            name: `yolov8n_e3_sz${imgsz}_lr${lr0}_s${seed}`,
            seed,
            params: [
              { key: 'imgsz', value: imgsz },
              { key: 'lr0', value: lr0 },
              { key: 'seed', value: String(seed) },
            ],
          });
    grid.push({ name: 'baseline', seed: 0, params: [{ key: 'imgsz', value: '640' }] });
    const runIds = await Promise.all(grid.map((g) => newRun(g.name, g.params)));
    const perRun = 3 * 5;
    const client = t.ws();
    const subs = runIds.map((runId) => collect<{ metricLogged: Point }>(client, SUB, { runId }, perRun));
    await new Promise((r) => setTimeout(r, 300));
    // Three epochs, all nine runs logging concurrently each epoch; alternate the two Ultralytics key styles.
    for (let epoch = 0; epoch < 3; epoch++) {
      const results = await Promise.all(runIds.map((runId, i) => log(runId, epochMetrics(epoch, grid[i].seed, i % 2 === 0))));
      for (const r of results) expect(r.errors).toBeUndefined();
    }
    const received = await Promise.all(subs.map((s) => s.done));
    received.forEach((events, i) => {
      const points = events.map((e) => e.metricLogged);
      expect(points.every((p) => p.runId === runIds[i])).toBe(true);
      expect(points.map((p) => p.sequence)).toEqual(Array.from({ length: perRun }, (_, k) => k + 1));
      expect(points.filter((p) => p.key === 'map50').map((p) => p.step)).toEqual([0, 1, 2]);
      expect(new Set(points.map((p) => p.key))).toEqual(new Set(['map50', 'map50_95', 'precision', 'recall', 'train/box_loss']));
    });
    await new Promise((r) => setTimeout(r, 100));
    // Exactly once: nothing arrived after the expected count.
    expect(subs.map((s) => s.received.length)).toEqual(runIds.map(() => perRun));
  });

  it('replays stored points after afterSequence, filtered by keys and fromStep, then goes live', async (ctx) => {
    if (!t) return ctx.skip();
    const runId = await newRun('replay');
    for (let epoch = 0; epoch < 4; epoch++) await log(runId, epochMetrics(epoch, 1, true));
    const client = t.ws();
    // Stored: sequences 1..20 (5 keys × 4 epochs). Replay map50 after sequence 5 from step 2: steps 2, 3; then live step 4.
    const sub = collect<{ metricLogged: Point }>(client, SUB, { runId, keys: ['metrics/mAP50(B)'], after: 5, fromStep: 2 }, 3);
    await new Promise((r) => setTimeout(r, 300));
    await log(runId, epochMetrics(4, 1, false));
    const points = (await sub.done).map((e) => e.metricLogged);
    expect(points.map((p) => [p.key, p.step, p.sequence])).toEqual([
      ['map50', 2, 11],
      ['map50', 3, 16],
      ['map50', 4, 21],
    ]);
  });

  it('a subscriber that drops and reconnects with its last sequence misses nothing and sees nothing twice while writers keep logging out of order', async (ctx) => {
    if (!t) return ctx.skip();
    const runId = await newRun('reconnect');
    const steps = [0, 2, 1, 3, 5, 4, 7, 6, 9, 8, 11, 10];
    let stopWriters = false;
    const writers = [0, 1].map(async (w) => {
      // Two writers on one run, each logging its own key; late epochs arrive after later ones.
      for (const step of steps) {
        if (stopWriters) break;
        const r = await log(runId, [
          { key: `w${w}/loss`, value: step / 10, step },
          { key: `w${w}/map`, value: step / 20, step },
        ]);
        expect(r.errors).toBeUndefined();
        await new Promise((res) => setTimeout(res, 5));
      }
    });
    const total = 2 * steps.length * 2;
    const first = t.ws();
    const part1 = collect<{ metricLogged: Point }>(first, SUB, { runId }, 10);
    const seen1 = (await part1.done).map((e) => e.metricLogged);
    part1.stop();
    await first.dispose();
    await new Promise((r) => setTimeout(r, 30));
    const last = seen1[seen1.length - 1].sequence;
    const second = t.ws();
    const part2 = collect<{ metricLogged: Point }>(second, SUB, { runId, after: last }, total - seen1.length, 20_000);
    const seen2 = (await part2.done).map((e) => e.metricLogged);
    stopWriters = true;
    await Promise.all(writers);
    const all = [...seen1, ...seen2].map((p) => p.sequence);
    expect(all).toEqual(Array.from({ length: total }, (_, k) => k + 1));
    const stored = await t.gql(`query($id: ID!) { metricHistory(runId: $id, key: "w1/loss", first: 100) { nodes { step } } }`, { id: runId });
    expect(stored.data.metricHistory.nodes.map((n: { step: number }) => n.step)).toEqual([...steps].sort((a, b) => a - b));
    const byKeyStep = new Map([...seen1, ...seen2].map((p) => [`${p.key}@${p.step}`, p.value]));
    expect(byKeyStep.size).toBe(total);
    expect(byKeyStep.get('w0/loss@7')).toBe(0.7);
  });

  it('metricBatchLogged delivers the replay as one page and each committed batch as one event, with the same cursor', async (ctx) => {
    if (!t) return ctx.skip();
    const runId = await newRun('batches');
    await log(runId, epochMetrics(0, 1, true));
    await log(runId, epochMetrics(1, 1, true));
    const sub = collect<{ metricBatchLogged: { lastSequence: number; points: Point[] } }>(
      t.ws(),
      `subscription($runId: ID!, $after: Int) { metricBatchLogged(runId: $runId, afterSequence: $after) { lastSequence points { key step sequence } } }`,
      { runId, after: 3 },
      3,
    );
    await new Promise((r) => setTimeout(r, 300));
    await log(runId, epochMetrics(2, 1, true));
    await log(runId, [{ key: 'fitness', value: 0.5, step: 2 }]);
    const batches = (await sub.done).map((e) => e.metricBatchLogged);
    expect(batches.map((b) => [b.points[0].sequence, b.lastSequence, b.points.length])).toEqual([
      [4, 10, 7],
      [11, 15, 5],
      [16, 16, 1],
    ]);
    expect(batches[2].points[0]).toEqual({ key: 'fitness', step: 2, sequence: 16 });
  });

  it('metricHistory of an unknown run is NOT_FOUND naming the id; a known run without points for the key is an empty page', async (ctx) => {
    if (!t) return ctx.skip();
    const HISTORY = `query($id: ID!, $key: String!) { metricHistory(runId: $id, key: $key) { totalCount nodes { step } pageInfo { hasNextPage endCursor } } }`;
    for (const id of ['00000000-0000-4000-8000-000000000000', '00000000-0000-4000-8000-00000000000A', '0000000a']) {
      const res = await t.gql(HISTORY, { id, key: 'map50' });
      expect(res.data).toBeNull();
      expect(res.errors).toHaveLength(1);
      expect(res.errors[0]).toMatchObject({ message: `Run "${id}" not found`, path: ['metricHistory'], extensions: { code: 'NOT_FOUND' } });
    }
    const runId = await newRun('history-empty');
    const empty = { totalCount: 0, nodes: [], pageInfo: { hasNextPage: false, endCursor: null } };
    expect(await t.gql(HISTORY, { id: runId, key: 'map50' })).toEqual({ data: { metricHistory: empty } });
    await log(runId, [{ key: 'train/box_loss', value: 1.2, step: 0 }]);
    expect(await t.gql(HISTORY, { id: runId, key: 'metrics/mAP50(B)' })).toEqual({ data: { metricHistory: empty } });
    // Deleted runs keep their history readable, like the other run queries.
    await t.gql(`mutation($id: ID!) { deleteRun(id: $id) { id } }`, { id: runId });
    const deleted = await t.gql(HISTORY, { id: runId.toUpperCase(), key: 'train/box_loss' });
    expect(deleted).toEqual({ data: { metricHistory: { totalCount: 1, nodes: [{ step: 0 }], pageInfo: { hasNextPage: false, endCursor: expect.any(String) } } } });
  });

  it('refuses a subscription to an unknown run with NOT_FOUND', async (ctx) => {
    if (!t) return ctx.skip();
    const sub = collect(t.ws(), SUB, { runId: '00000000-0000-4000-8000-000000000000' }, 1, 5000);
    await expect(sub.done).rejects.toThrow(/NOT_FOUND/);
    await expect(sub.done).rejects.toThrow('Run \\"00000000-0000-4000-8000-000000000000\\" not found');
    const BATCH = `subscription($runId: ID!) { metricBatchLogged(runId: $runId) { lastSequence } }`;
    for (const runId of ['00000000-0000-4000-8000-00000000000b', 'ffffffff']) {
      const batches = collect(t.ws(), BATCH, { runId }, 1, 5000);
      await expect(batches.done).rejects.toThrow(/"code":"NOT_FOUND"/);
      await expect(batches.done).rejects.toThrow(`Run \\"${runId}\\" not found`);
    }
    const negative = collect(t.ws(), SUB, { runId: '00000000-0000-4000-8000-000000000000', after: -1 }, 1, 5000);
    await expect(negative.done).rejects.toThrow(/afterSequence must be a non-negative integer, got -1/);
    const keys = Array.from({ length: 101 }, (_, i) => `k${i}`);
    const tooMany = collect(t.ws(), SUB, { runId: '00000000-0000-4000-8000-000000000000', keys }, 1, 5000);
    await expect(tooMany.done).rejects.toThrow(/at most 100 metric keys a subscription, got 101/);
  });
});
