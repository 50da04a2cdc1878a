// gridAnalysis: what each swept parameter did to a metric, measured against the noise of repeated runs (seeds).
// Over 300 lines: the definitions below and the one computation they define, kept side by side.
//
// Definitions (the numbers the decision report quotes come from here):
// - A run's value is its metric under the given aggregation (LAST/MAX/MIN); runs without one are set aside.
// - Varying parameters: keys whose value differs among the runs (a missing key counts as its own value, null).
// - Outside the grid: a value v of parameter p is "off-grid" when every run with p = v sits at one single combination
//   of the other varying parameters while the remaining runs span ≥ 3 such combinations — keeping v would declare
//   ≥ 2 holes to explain one point. Its runs (a baseline at imgsz 640, a run without a `seed` param, …) are reported
//   in `outsideGrid` and left out of every mean; the test repeats until no value is off-grid. A 2 × 2 with one
//   missing cell stays a 2 × 2 with a hole (the odd value has only 2 other combinations). When every remaining run
//   would be set aside (a random search: each run alone at its own values) there is no grid to measure against, so
//   none is.
// - Holes: combinations of the grid values of the varying parameters with no run, the first MAX_LISTED_HOLES of them
//   (a sparse sweep of 100 runs over 3 parameters has a million).
// - Per value of a parameter: mean, sample std (n − 1) and n of the metric over the grid runs holding it (a marginal
//   mean over the other parameters). Changes between consecutive values (numeric order when every value is a number):
//   difference = mean_to − mean_from, relativeChange = difference / mean_from (416 vs 320, 0.30 vs 0.27 → +0.111).
// - Identifiers (`name`, `save_dir`: distinct, non-numeric in every run) and `options.ignoreParams` are not factors.
// - Repeat parameters: `options.repeatParams`, else varying keys named like a seed (seed, random_seed, …, *_seed,
//   repeat, replicate, trial). Noise floor: grid runs grouped by every other varying parameter (they differ only in
//   the repeats, or not at all: identical configurations are repeats too); each group of n ≥ 2 gives its sample std
//   and relative range (max − min) / mean; the noise std is the pooled std, sqrt(Σ (n_g − 1)·s_g² / Σ (n_g − 1)) —
//   for pairs, the root mean square of the per-pair stds.
// - An effect (|difference| between two values' means) smaller than 2 × noise std is `significant: false`; with no
//   repeats there is no noise estimate and `significant` is null.
import { type Aggregation, findMetricSummary, selectMetricValue } from './metric-value';
import { assertDistinctRuns } from './compare-runs';
import { RegistryError } from './registry-error';
import type { RunSnapshot } from './snapshots';
import { mean, pooledStd, relativeChange, sampleStd } from './stats';

export type Goal = 'MAXIMIZE' | 'MINIMIZE';

export interface GridAnalysisOptions {
  /** Default MAXIMIZE (mAP, precision, recall); MINIMIZE for losses. */
  readonly goal?: Goal;
  /** Params that only repeat a configuration; default: detected by name (seed-like). */
  readonly repeatParams?: readonly string[];
  /** Params left out of the analysis entirely (e.g. `name`, output paths). */
  readonly ignoreParams?: readonly string[];
}

export interface GridRunValue {
  readonly runId: string;
  readonly runName: string;
  readonly value: number;
  readonly step: number | null;
  readonly params: Readonly<Record<string, string | null>>;
}

export interface ParamValueStats {
  /** null stands for "param not set". */
  readonly value: string | null;
  readonly mean: number;
  readonly std: number | null;
  readonly n: number;
  readonly runIds: readonly string[];
}

export interface ParamChange {
  readonly from: string | null;
  readonly to: string | null;
  readonly meanFrom: number;
  readonly meanTo: number;
  readonly difference: number;
  /** (meanTo − meanFrom) / meanFrom; null when meanFrom is 0. */
  readonly relativeChange: number | null;
  /** |difference| ≥ 2 × noise std; null when there is no noise estimate. Always null for a repeat parameter. */
  readonly significant: boolean | null;
}

export interface ParamAnalysis {
  readonly key: string;
  readonly isRepeat: boolean;
  readonly values: readonly ParamValueStats[];
  readonly changes: readonly ParamChange[];
  /** The value with the best mean for the goal (null for a repeat parameter: a seed has no best value). */
  readonly best: string | null;
}

export interface NoiseGroup {
  /** The non-repeat params every run of the group shares. */
  readonly params: Readonly<Record<string, string | null>>;
  readonly runIds: readonly string[];
  readonly values: readonly number[];
  readonly n: number;
  readonly mean: number;
  readonly std: number;
  readonly range: number;
  readonly relativeRange: number | null;
}

export interface NoiseFloor {
  readonly repeatParams: readonly string[];
  readonly groups: readonly NoiseGroup[];
  /** Pooled sample std across groups (the noise floor); null without any group of n ≥ 2. */
  readonly std: number | null;
  readonly degreesOfFreedom: number;
  readonly meanRelativeRange: number | null;
  readonly maxRelativeRange: number | null;
  /** 2 × std: effects smaller than this are not significant. */
  readonly significanceThreshold: number | null;
}

/** Why a run is outside the grid: it holds `param = value` (value null: the param is not set), a value tried at a
 *  single point of the other parameters. */
export interface OffGridReason {
  readonly param: string;
  readonly value: string | null;
}

export interface OutsideGridRun {
  readonly runId: string;
  readonly runName: string;
  readonly value: number;
  readonly reasons: readonly OffGridReason[];
}

export interface GridAnalysis {
  readonly metric: string;
  readonly aggregation: Aggregation;
  readonly goal: Goal;
  readonly runs: readonly GridRunValue[];
  /** Varying params of the grid with their values in display order. */
  readonly gridParams: readonly { readonly key: string; readonly values: readonly (string | null)[] }[];
  /** Params every grid run shares. */
  readonly constantParams: Readonly<Record<string, string | null>>;
  readonly params: readonly ParamAnalysis[];
  readonly noise: NoiseFloor;
  readonly holes: readonly Readonly<Record<string, string | null>>[];
  readonly outsideGrid: readonly OutsideGridRun[];
  readonly runsWithoutMetric: readonly { readonly runId: string; readonly runName: string }[];
  /** Keys left out as run identifiers (distinct, non-numeric value in every run: `name`, `save_dir`, …). */
  readonly identifierParams: readonly string[];
  /** The best grid run for the goal. */
  readonly best: GridRunValue;
}

/**
 * Run names, output directories and the like (Ultralytics logs `name`, `save_dir`) are not factors: a key whose value
 * differs in every one of ≥ 3 runs and is not always a number is set aside as an identifier. (A numeric key distinct in
 * every run is kept: that is a 1-D sweep, lr0 0.1 / 0.01 / 0.001.)
 */
function isIdentifierParam(runs: readonly RunSnapshot[], key: string): boolean {
  if (runs.length < 3) return false;
  const values = runs.map((r) => r.params[key]);
  if (values.some((v) => v === undefined) || new Set(values).size !== values.length) return false;
  return values.some((v) => (v as string).trim() === '' || !Number.isFinite(Number(v)));
}

const SEED_LIKE = /^(seed|random_seed|rng_seed|random_state|manual_seed|repeat|replicate|trial)$|_seed$/i;
export const isSeedLikeParam = (key: string): boolean => SEED_LIKE.test(key);

const comboKey = (params: Readonly<Record<string, string | null>>, keys: readonly string[]): string => JSON.stringify(keys.map((k) => params[k] ?? null));

function varyingKeys(runs: readonly GridRunValue[], keys: readonly string[]): string[] {
  return keys.filter((k) => new Set(runs.map((r) => r.params[k] ?? null)).size > 1);
}

/** Numeric order when every (non-null) value is a number, else lexical; "not set" last. */
export function orderParamValues(values: readonly (string | null)[]): (string | null)[] {
  const distinct = [...new Set(values)];
  const present = distinct.filter((v): v is string => v !== null);
  const numeric = present.every((v) => v.trim() !== '' && Number.isFinite(Number(v)));
  present.sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return distinct.includes(null) ? [...present, null] : present;
}

/** One pass of the off-grid test; returns the runs to set aside with their reasons (empty when stable). */
function offGridRuns(runs: readonly GridRunValue[], keys: readonly string[]): Map<string, OffGridReason[]> {
  const varying = varyingKeys(runs, keys);
  const out = new Map<string, OffGridReason[]>();
  for (const p of varying) {
    const others = varying.filter((k) => k !== p);
    for (const v of new Set(runs.map((r) => r.params[p] ?? null))) {
      const holders = runs.filter((r) => (r.params[p] ?? null) === v);
      const rest = runs.filter((r) => (r.params[p] ?? null) !== v);
      const own = new Set(holders.map((r) => comboKey(r.params, others)));
      const restCombos = new Set(rest.map((r) => comboKey(r.params, others)));
      if (own.size === 1 && restCombos.size >= 3) {
        const reason = { param: p, value: v };
        for (const r of holders) out.set(r.runId, [...(out.get(r.runId) ?? []), reason]);
      }
    }
  }
  return out;
}

/** At most this many holes are listed; the walk stops there, so its cost is bounded by this plus the run count. */
export const MAX_LISTED_HOLES = 100;

/** Combinations of the axes' values with no run, in axis order (the last axis varies fastest), up to MAX_LISTED_HOLES. */
function holesOf(axes: readonly { key: string; values: readonly (string | null)[] }[], present: ReadonlySet<string>): Record<string, string | null>[] {
  const keys = axes.map((a) => a.key);
  const idx = axes.map(() => 0);
  const holes: Record<string, string | null>[] = [];
  for (;;) {
    const combo = Object.fromEntries(axes.map((a, i) => [a.key, a.values[idx[i]]]));
    if (!present.has(comboKey(combo, keys))) {
      holes.push(combo);
      if (holes.length === MAX_LISTED_HOLES) return holes;
    }
    // Next combination, like an odometer; past the last one every digit has wrapped and the walk is over.
    let i = axes.length - 1;
    for (; i >= 0; i--) {
      idx[i] += 1;
      if (idx[i] < axes[i].values.length) break;
      idx[i] = 0;
    }
    if (i < 0) return holes;
  }
}

function noiseFloor(runs: readonly GridRunValue[], repeatParams: readonly string[], factorKeys: readonly string[]): NoiseFloor {
  const byCombo = new Map<string, GridRunValue[]>();
  for (const r of runs) {
    const k = comboKey(r.params, factorKeys);
    byCombo.set(k, [...(byCombo.get(k) ?? []), r]);
  }
  const groups: NoiseGroup[] = [];
  for (const members of byCombo.values()) {
    if (members.length < 2) continue;
    const values = members.map((m) => m.value);
    const m = mean(values);
    const range = Math.max(...values) - Math.min(...values);
    groups.push({
      params: Object.fromEntries(factorKeys.map((k) => [k, members[0].params[k] ?? null])),
      runIds: members.map((x) => x.runId),
      values,
      n: values.length,
      mean: m,
      std: sampleStd(values) as number,
      range,
      relativeRange: m === 0 ? null : range / m,
    });
  }
  const pooled = pooledStd(groups.map((g) => g.values));
  const rel = groups.map((g) => g.relativeRange).filter((x): x is number => x !== null);
  return {
    repeatParams,
    groups,
    std: pooled.std,
    degreesOfFreedom: pooled.degreesOfFreedom,
    meanRelativeRange: rel.length ? mean(rel) : null,
    maxRelativeRange: rel.length ? Math.max(...rel) : null,
    significanceThreshold: pooled.std === null ? null : 2 * pooled.std,
  };
}

export function gridAnalysis(runs: readonly RunSnapshot[], metricKey: string, aggregation: Aggregation, options: GridAnalysisOptions = {}): GridAnalysis {
  assertDistinctRuns(runs);
  const goal = options.goal ?? 'MAXIMIZE';
  const ignore = new Set(options.ignoreParams ?? []);
  const allKeys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const identifierParams = allKeys.filter((k) => !ignore.has(k) && isIdentifierParam(runs, k));
  const keys = allKeys.filter((k) => !ignore.has(k) && !identifierParams.includes(k));

  const valued: GridRunValue[] = [];
  const runsWithoutMetric: { runId: string; runName: string }[] = [];
  for (const r of runs) {
    const selected = selectMetricValue(findMetricSummary(r.metrics, metricKey), aggregation);
    if (!selected || !Number.isFinite(selected.value)) runsWithoutMetric.push({ runId: r.id, runName: r.name });
    else valued.push({ runId: r.id, runName: r.name, value: selected.value, step: selected.step, params: Object.fromEntries(keys.map((k) => [k, r.params[k] ?? null])) });
  }
  if (valued.length === 0) throw new RegistryError('INVALID_INPUT', `No run has a finite ${metricKey} (${aggregation}).`);

  let grid = valued;
  const outsideGrid: OutsideGridRun[] = [];
  for (;;) {
    const off = offGridRuns(grid, keys);
    if (off.size === 0 || off.size === grid.length) break;
    for (const r of grid) if (off.has(r.runId)) outsideGrid.push({ runId: r.runId, runName: r.runName, value: r.value, reasons: off.get(r.runId) as OffGridReason[] });
    grid = grid.filter((r) => !off.has(r.runId));
  }

  const varying = varyingKeys(grid, keys);
  const gridParams = varying.map((key) => ({ key, values: orderParamValues(grid.map((r) => r.params[key] ?? null)) }));
  const constantParams = Object.fromEntries(keys.filter((k) => !varying.includes(k)).map((k) => [k, grid[0].params[k] ?? null]));
  const holes = holesOf(gridParams, new Set(grid.map((r) => comboKey(r.params, varying))));

  const repeatParams = varying.filter((k) => (options.repeatParams ? options.repeatParams.includes(k) : isSeedLikeParam(k)));
  const noise = noiseFloor(
    grid,
    repeatParams,
    varying.filter((k) => !repeatParams.includes(k)),
  );
  const better = (a: number, b: number): boolean => (goal === 'MAXIMIZE' ? a > b : a < b);

  const params: ParamAnalysis[] = gridParams.map(({ key, values: order }) => {
    const isRepeat = repeatParams.includes(key);
    const values: ParamValueStats[] = order.map((value) => {
      const members = grid.filter((r) => (r.params[key] ?? null) === value);
      const xs = members.map((m) => m.value);
      return { value, mean: mean(xs), std: sampleStd(xs), n: xs.length, runIds: members.map((m) => m.runId) };
    });
    const changes: ParamChange[] = values.slice(1).map((to, i) => {
      const from = values[i];
      const difference = to.mean - from.mean;
      return {
        from: from.value,
        to: to.value,
        meanFrom: from.mean,
        meanTo: to.mean,
        difference,
        relativeChange: relativeChange(from.mean, to.mean),
        significant: isRepeat || noise.significanceThreshold === null ? null : Math.abs(difference) >= noise.significanceThreshold,
      };
    });
    const best = isRepeat ? null : values.reduce((b, v) => (better(v.mean, b.mean) ? v : b)).value;
    return { key, isRepeat, values, changes, best };
  });

  const best = grid.reduce((b, r) => (better(r.value, b.value) ? r : b));
  return { metric: metricKey, aggregation, goal, runs: grid, gridParams, constantParams, params, noise, holes, outsideGrid, runsWithoutMetric, identifierParams, best };
}
