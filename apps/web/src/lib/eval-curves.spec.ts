import { describe, expect, it } from 'vitest';
import { readEvaluationRaw } from '../api/adapters';
import { confidenceChart, prChart } from './eval-curves';

const x = [0, 0.5, 1];
const raw = {
  prCurve: {
    x,
    mean: [1, 0.8, 0.2],
    perClass: [
      [1, 0.9, 0.3],
      [1, 0.7, 0.1],
    ],
  },
  f1Curve: { x, mean: [0.1, 0.6, 0.2], perClass: [] },
  coco: { ap: 0.4, stats: { ap: 0.4, ap_small: -1, bogus: 'x' } },
  operatingPointAtConf: { conf: 0.25, precision: 0.7, recall: 0.5, f1: 0.58 },
  confusionMatrix: {
    classIds: [0, 1],
    matrix: [
      [5, 1, 0],
      [0, 3, 1],
      [2, 0, 0],
    ],
    conf: 0.25,
    iou: 0.45,
  },
};

describe('evaluation curves', () => {
  it('reads the worker’s raw result and refuses malformed parts', () => {
    const c = readEvaluationRaw(raw);
    expect(c.prCurve?.perClass).toHaveLength(2);
    expect(c.confusionMatrix?.matrix[2]).toEqual([2, 0, 0]);
    expect(c.cocoStats).toEqual({ ap: 0.4, ap_small: -1 });
    expect(c.operatingPointAtConf).toMatchObject({ conf: 0.25, f1: 0.58 });
    const bad = readEvaluationRaw({ prCurve: { x: [0, 1], mean: [1] }, confusionMatrix: { classIds: [0], matrix: [[1]] } });
    expect(bad.prCurve).toBeNull();
    expect(bad.confusionMatrix).toBeNull();
    expect(readEvaluationRaw('nope').f1Curve).toBeNull();
  });

  it('overlays two evaluations’ PR curves and one class of the first', () => {
    const c = readEvaluationRaw(raw);
    const other = readEvaluationRaw({ prCurve: { x: [0, 0.25, 1], mean: [1, 0.9, 0.4], perClass: [] } });
    const chart = prChart(
      [
        { label: 'candidate', curves: c },
        { label: 'champion', curves: other },
      ],
      1,
      'car',
    );
    expect(chart.labels).toEqual(['candidate mean', 'champion mean', 'candidate car']);
    expect(chart.data[0]).toEqual([0, 0.25, 0.5, 1]);
    expect(chart.data[1]).toEqual([1, undefined, 0.8, 0.2]);
    expect(chart.data[3]).toEqual([1, undefined, 0.7, 0.1]);
  });

  it('P/R/F1 against confidence: the sweep at the job’s IoU when the worker sent no P and R curves', () => {
    const c = readEvaluationRaw(raw);
    const sweep = [
      { iou: 0.5, points: [{ conf: 0.9, precision: 1, recall: 0.1, f1: 0.18 }] },
      {
        iou: 0.7,
        points: [
          { conf: 0.5, precision: 0.8, recall: 0.4, f1: 0.53 },
          { conf: 0.1, precision: 0.5, recall: 0.6, f1: 0.55 },
        ],
      },
    ];
    const chart = confidenceChart(c, sweep, 0.7);
    expect(chart.source).toBe('sweep');
    expect(chart.labels).toEqual(['precision', 'recall', 'F1', 'F1 (curve)']);
    expect(chart.data[0]).toEqual([0, 0.1, 0.5, 1]);
    expect(chart.data[1]).toEqual([undefined, 0.5, 0.8, undefined]);
    expect(confidenceChart(readEvaluationRaw({}), [], 0.7).source).toBe('none');
    const full = confidenceChart(readEvaluationRaw({ ...raw, pCurve: raw.f1Curve, rCurve: raw.f1Curve }), sweep, 0.7);
    expect(full).toMatchObject({ source: 'curves', labels: ['F1', 'precision', 'recall'] });
  });
});
