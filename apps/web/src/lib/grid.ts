// The grid analysis as sentences a person reads: "imgsz 416 vs 320: +11.1 %" (the change from one value's mean to
// the next, relative to the first), with its noise verdict.
import type { GridAnalysisQuery } from '../graphql/generated';

/** One parameter of the analysis and one change between two of its values, as the schema types them. */
export type GridParam = GridAnalysisQuery['gridAnalysis']['params'][number];
export type GridChange = GridParam['changes'][number];

export function formatPercent(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const v = x * 100;
  const sign = v > 0 ? '+' : v < 0 ? '−' : '±';
  return `${sign}${Math.abs(v).toFixed(digits)} %`;
}

export function formatNumber(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined) return '—';
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6)) return x.toExponential(2);
  return Number(x.toFixed(digits)).toString();
}

const valueLabel = (v: string | null): string => (v === null ? '(unset)' : v);

/** "416 vs 320: +11.1 %" — the later value against the earlier one. */
export function changeLabel(c: GridChange): string {
  return `${valueLabel(c.to)} vs ${valueLabel(c.from)}: ${formatPercent(c.relativeChange)}`;
}

/** significant: true → "above the noise", false → "within the noise", null → "no noise estimate". */
export function significanceLabel(c: GridChange): string {
  return c.significant === true ? 'above noise' : c.significant === false ? 'within noise' : 'no repeats';
}

/** mean ± std (n) of one value of a parameter. */
export function meanStdLabel(v: { mean: number | null; std: number | null; n: number }): string {
  const std = v.std === null ? '' : ` ± ${formatNumber(v.std, 4)}`;
  return `${formatNumber(v.mean, 4)}${std} (n=${v.n})`;
}

/** Lines of the analysis: one per consecutive change of each non-repeat parameter. */
export function changeLines(params: readonly GridParam[]): { key: string; label: string; significance: string; change: GridChange }[] {
  return params.filter((p) => !p.isRepeat).flatMap((p) => p.changes.map((c) => ({ key: p.key, label: `${p.key} ${changeLabel(c)}`, significance: significanceLabel(c), change: c })));
}
