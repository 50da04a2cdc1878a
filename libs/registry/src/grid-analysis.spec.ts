import { describe, expect, it } from 'vitest';
import { SEED_GRID } from '../test/seed-grid';
import { registryErrorOf } from '../test/fixtures';
import { gridAnalysis, MAX_LISTED_HOLES, orderParamValues } from './grid-analysis';
import type { RunSnapshot } from './snapshots';

const byKey = (g: ReturnType<typeof gridAnalysis>, key: string) => {
  const p = g.params.find((x) => x.key === key);
  if (!p) throw new Error(`no param ${key}`);
  return p;
};

describe('gridAnalysis on the seed grid (2 × 2 × 2 + baseline)', () => {
  const g = gridAnalysis(SEED_GRID, 'map50', 'LAST');

  it('finds the grid, sets the baseline aside, and sees no hole', () => {
    expect(g.gridParams).toEqual([
      { key: 'imgsz', values: ['320', '416'] },
      { key: 'lr0', values: ['0.005', '0.01'] },
      { key: 'seed', values: ['1', '42'] },
    ]);
    expect(g.constantParams).toEqual({ epochs: '3', model: 'yolov8n.pt' });
    expect(g.runs).toHaveLength(8);
    expect(g.holes).toEqual([]);
    expect(g.outsideGrid).toEqual([
      {
        runId: SEED_GRID[8].id,
        runName: 'yolov8n_e3_sz640_lr0.01_s0',
        value: 0.33,
        reasons: [
          { param: 'imgsz', value: '640' },
          { param: 'seed', value: '0' },
        ],
      },
    ]);
  });

  it('gives imgsz marginal means 0.27 and 0.30, n 4, sample std, and +11.1 % (not +17 %)', () => {
    const imgsz = byKey(g, 'imgsz');
    expect(imgsz.values.map((v) => [v.value, v.n])).toEqual([
      ['320', 4],
      ['416', 4],
    ]);
    expect(imgsz.values[0].mean).toBeCloseTo(0.27, 12);
    expect(imgsz.values[1].mean).toBeCloseTo(0.3, 12);
    // 320: 0.29 0.27 0.26 0.26 → deviations .02 0 -.01 -.01 → ss 0.0006 / 3
    expect(imgsz.values[0].std).toBeCloseTo(Math.sqrt(0.0006 / 3), 12);
    expect(imgsz.changes).toHaveLength(1);
    expect(imgsz.changes[0].relativeChange).toBeCloseTo(0.03 / 0.27, 12);
    expect((imgsz.changes[0].relativeChange as number) * 100).toBeCloseTo(11.11, 2);
    expect(imgsz.changes[0]).toMatchObject({ from: '320', to: '416', significant: true });
    expect(imgsz.best).toBe('416');
  });

  it('computes the noise floor as the pooled std across seeds of otherwise identical runs', () => {
    expect(g.noise.repeatParams).toEqual(['seed']);
    expect(g.noise.groups.map((x) => [x.params, x.n])).toEqual([
      [{ imgsz: '320', lr0: '0.01' }, 2],
      [{ imgsz: '320', lr0: '0.005' }, 2],
      [{ imgsz: '416', lr0: '0.01' }, 2],
      [{ imgsz: '416', lr0: '0.005' }, 2],
    ]);
    const pairStd = 0.02 / Math.SQRT2;
    g.noise.groups.forEach((x, i) => expect(x.std).toBeCloseTo([pairStd, 0, pairStd, pairStd][i], 12));
    expect(g.noise.std).toBeCloseTo(Math.sqrt(0.00015), 12);
    expect(g.noise.degreesOfFreedom).toBe(4);
    expect(g.noise.significanceThreshold).toBeCloseTo(2 * Math.sqrt(0.00015), 12);
    expect(g.noise.groups[0].relativeRange).toBeCloseTo(0.02 / 0.28, 12);
    expect(g.noise.maxRelativeRange).toBeCloseTo(0.02 / 0.28, 12);
    expect(g.noise.meanRelativeRange).toBeCloseTo((0.02 / 0.28 + 0 + 0.02 / 0.31 + 0.02 / 0.29) / 4, 12);
  });

  it('calls the lr0 effect (0.02 < 2 × 0.0122) not significant, and treats the seed as a repeat', () => {
    const lr0 = byKey(g, 'lr0');
    expect(lr0.changes[0].difference).toBeCloseTo(0.02, 12);
    expect(lr0.changes[0].relativeChange).toBeCloseTo(0.02 / 0.275, 12);
    expect(lr0.changes[0].significant).toBe(false);
    const seed = byKey(g, 'seed');
    expect(seed).toMatchObject({ isRepeat: true, best: null });
    expect(seed.changes[0].significant).toBeNull();
  });

  it('names the best grid run', () => {
    expect(g.best).toMatchObject({ runName: 'yolov8n_e3_sz416_lr0.01_s42', value: 0.32, step: 2 });
  });

  it('uses the aggregation: MIN takes the first epoch (0.8 × last)', () => {
    const min = gridAnalysis(SEED_GRID, 'map50', 'MIN');
    expect(byKey(min, 'imgsz').values[1].mean).toBeCloseTo(0.3 * 0.8, 12);
  });
});

describe('gridAnalysis: holes, odd runs, options', () => {
  const r = (id: string, params: Record<string, string>, v: number | null): RunSnapshot => ({
    id,
    name: id,
    params,
    metrics: v === null ? {} : { map50: { last: v, lastStep: 0, min: v, minStep: 0, max: v, maxStep: 0 } },
  });

  it('reports a missing cell as a hole, not the lonely run as outside (2 × 2 minus one)', () => {
    const g = gridAnalysis([r('1', { a: '1', b: 'x' }, 0.1), r('2', { a: '1', b: 'y' }, 0.2), r('3', { a: '2', b: 'x' }, 0.3)], 'map50', 'LAST');
    expect(g.outsideGrid).toEqual([]);
    expect(g.holes).toEqual([{ a: '2', b: 'y' }]);
  });

  it('sets aside a run that lacks a grid param, and a run without the metric', () => {
    const runs = [...SEED_GRID.slice(0, 8), r('no-seed', { model: 'yolov8n.pt', epochs: '3', imgsz: '320', lr0: '0.01' }, 0.5), r('failed', { imgsz: '320' }, null)];
    const g = gridAnalysis(runs, 'map50', 'LAST');
    expect(g.outsideGrid.map((o) => [o.runId, o.reasons])).toEqual([['no-seed', [{ param: 'seed', value: null }]]]);
    expect(g.runsWithoutMetric).toEqual([{ runId: 'failed', runName: 'failed' }]);
    expect(g.runs).toHaveLength(8);
  });

  it('keeps a random search whole instead of setting every run aside (each run alone at its lr0 and momentum)', () => {
    const runs = [
      r('1', { lr0: '0.1', momentum: '0.9' }, 0.3),
      r('2', { lr0: '0.01', momentum: '0.8' }, 0.31),
      r('3', { lr0: '0.001', momentum: '0.7' }, 0.29),
      r('4', { lr0: '0.0001', momentum: '0.6' }, 0.28),
    ];
    const g = gridAnalysis(runs, 'map50', 'LAST');
    expect(g.outsideGrid).toEqual([]);
    expect(g.runs.map((x) => x.runId)).toEqual(['1', '2', '3', '4']);
    expect(g.gridParams.map((p) => [p.key, p.values.length])).toEqual([
      ['lr0', 4],
      ['momentum', 4],
    ]);
    expect(g.best.runId).toBe('2');
  });

  it('lists at most MAX_LISTED_HOLES holes of a sparse sweep (100 runs over 3 params: a million combinations)', () => {
    const runs = Array.from({ length: 100 }, (_, i) => r(`s${i}`, { lr0: String((i + 1) / 1000), momentum: String(0.5 + i / 1000), wd: String(i / 7) }, 0.3 + i / 1000));
    const g = gridAnalysis(runs, 'map50', 'LAST');
    expect(g.runs).toHaveLength(100);
    expect(g.holes).toHaveLength(MAX_LISTED_HOLES);
    expect(g.holes[0]).toEqual({ lr0: '0.001', momentum: '0.5', wd: '0.14285714285714285' });
  });

  it('lists holes of a grid with missing runs', () => {
    const g = gridAnalysis(
      SEED_GRID.filter((_, i) => i !== 3 && i !== 8),
      'map50',
      'LAST',
    );
    expect(g.holes).toEqual([{ imgsz: '320', lr0: '0.005', seed: '1' }]);
    expect(g.noise.groups).toHaveLength(3);
  });

  it('has no noise estimate without repeats, so significance is unknown', () => {
    const g = gridAnalysis([r('1', { a: '1' }, 0.1), r('2', { a: '2' }, 0.2), r('3', { a: '3' }, 0.4)], 'map50', 'LAST');
    expect(g.noise).toMatchObject({ repeatParams: [], groups: [], std: null, significanceThreshold: null });
    expect(g.params[0].changes.map((c) => [c.from, c.to, c.significant])).toEqual([
      ['1', '2', null],
      ['2', '3', null],
    ]);
    expect(g.params[0].changes[1].relativeChange).toBeCloseTo(1, 12);
  });

  it('honours repeatParams, ignoreParams and MINIMIZE', () => {
    const runs = [
      r('1', { lr: '1', rep: 'a', out: 'x' }, 0.5),
      r('2', { lr: '1', rep: 'b', out: 'y' }, 0.7),
      r('3', { lr: '2', rep: 'a', out: 'z' }, 0.2),
      r('4', { lr: '2', rep: 'b', out: 'w' }, 0.2),
    ];
    const g = gridAnalysis(runs, 'map50', 'LAST', { repeatParams: ['rep'], ignoreParams: ['out'], goal: 'MINIMIZE' });
    expect(g.gridParams.map((p) => p.key)).toEqual(['lr', 'rep']);
    expect(g.noise.std).toBeCloseTo(Math.sqrt((0.02 + 0) / 2), 12);
    expect(g.params[0].best).toBe('2');
    expect(g.best.runId).toBe('3');
  });

  it('sets aside run identifiers (name, save_dir) but keeps a numeric 1-D sweep', () => {
    const named = SEED_GRID.map((x) => ({ ...x, params: { ...x.params, name: x.name, save_dir: `runs/detect/${x.name}` } }));
    const g = gridAnalysis(named, 'map50', 'LAST');
    expect(g.identifierParams).toEqual(['name', 'save_dir']);
    expect(g.gridParams.map((p) => p.key)).toEqual(['imgsz', 'lr0', 'seed']);
    expect(g.outsideGrid.map((o) => o.runName)).toEqual(['yolov8n_e3_sz640_lr0.01_s0']);
    const sweep = gridAnalysis([r('1', { lr: '0.1', name: 'a' }, 0.1), r('2', { lr: '0.01', name: 'b' }, 0.2), r('3', { lr: '0.001', name: 'c' }, 0.3)], 'map50', 'LAST');
    expect(sweep.identifierParams).toEqual(['name']);
    expect(sweep.gridParams).toEqual([{ key: 'lr', values: ['0.001', '0.01', '0.1'] }]);
  });

  it('counts identical configurations as repeats for the noise floor', () => {
    const g = gridAnalysis([r('1', { a: '1' }, 0.1), r('2', { a: '1' }, 0.3), r('3', { a: '2' }, 0.5), r('4', { a: '2' }, 0.5)], 'map50', 'LAST');
    expect(g.noise.repeatParams).toEqual([]);
    expect(g.noise.std).toBeCloseTo(Math.sqrt(0.02 / 2), 12);
    expect(g.params[0].changes[0].significant).toBe(true);
  });

  it('refuses an empty list, a duplicate run, and runs without the metric', () => {
    expect(registryErrorOf(() => gridAnalysis([], 'map50', 'LAST')).code).toBe('INVALID_INPUT');
    expect(registryErrorOf(() => gridAnalysis([SEED_GRID[0], SEED_GRID[0]], 'map50', 'LAST')).message).toBe(`Run ${SEED_GRID[0].id} is listed twice.`);
    expect(registryErrorOf(() => gridAnalysis(SEED_GRID, 'loss', 'LAST'))).toMatchObject({ code: 'INVALID_INPUT', message: 'No run has a finite loss (LAST).' });
  });

  it('orders numeric values numerically and "not set" last', () => {
    expect(orderParamValues(['640', '96', null, '320'])).toEqual(['96', '320', '640', null]);
    expect(orderParamValues(['b', 'a', '1'])).toEqual(['1', 'a', 'b']);
  });
});
