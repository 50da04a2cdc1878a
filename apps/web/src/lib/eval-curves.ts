// Chart data of an evaluation: the PR curve (precision against recall, mean and one class), P/R/F1 against
// confidence (the worker's 1000-point curves when it sent them, else its threshold sweep at the job's IoU), and two
// evaluations on one chart.
import type { EvaluationCurves } from '../api/adapters';
import { alignSeries, type Aligned } from './series';

export interface SweepLike {
  iou: number;
  points: { conf: number; precision: number; recall: number; f1: number }[];
}

export interface ChartData {
  data: Aligned;
  labels: string[];
}

/** PR curves of several evaluations (their mean), and optionally one class of the first. */
export function prChart(evals: { label: string; curves: EvaluationCurves }[], classIndex: number | null = null, className = ''): ChartData {
  const list: { steps: number[]; values: number[] }[] = [];
  const labels: string[] = [];
  for (const e of evals) {
    if (!e.curves.prCurve) continue;
    list.push({ steps: e.curves.prCurve.x, values: e.curves.prCurve.mean });
    labels.push(`${e.label} mean`);
  }
  const first = evals[0]?.curves.prCurve;
  if (first && classIndex !== null && first.perClass[classIndex]) {
    list.push({ steps: first.x, values: first.perClass[classIndex] });
    labels.push(`${evals[0].label} ${className}`);
  }
  return { data: alignSeries(list), labels };
}

/** P, R and F1 against confidence. */
export function confidenceChart(curves: EvaluationCurves, sweep: readonly SweepLike[], iou: number): ChartData & { source: 'curves' | 'sweep' | 'none' } {
  if (curves.f1Curve && (curves.pCurve || curves.rCurve || !sweep.length)) {
    const list = [{ steps: curves.f1Curve.x, values: curves.f1Curve.mean }];
    const labels = ['F1'];
    for (const [c, label] of [
      [curves.pCurve, 'precision'],
      [curves.rCurve, 'recall'],
    ] as const) {
      if (!c) continue;
      list.push({ steps: c.x, values: c.mean });
      labels.push(label);
    }
    return { data: alignSeries(list), labels, source: 'curves' };
  }
  const at = sweep.find((s) => Math.abs(s.iou - iou) < 1e-9) ?? sweep[0];
  if (!at) return { data: [[]], labels: [], source: 'none' };
  const pts = [...at.points].sort((a, b) => a.conf - b.conf);
  const steps = pts.map((p) => p.conf);
  const list = [
    { steps, values: pts.map((p) => p.precision) },
    { steps, values: pts.map((p) => p.recall) },
    { steps, values: pts.map((p) => p.f1) },
  ];
  const labels = ['precision', 'recall', 'F1'];
  // The 1000-point F1 curve (all IoUs of the matching) drawn beside the sweep when present.
  if (curves.f1Curve) {
    list.push({ steps: curves.f1Curve.x, values: curves.f1Curve.mean });
    labels.push('F1 (curve)');
  }
  return { data: alignSeries(list), labels, source: 'sweep' };
}
