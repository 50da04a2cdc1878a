// Promotion gates: is there evidence (an evaluation of this very version) good enough for the target, and has the
// version spent long enough in STAGING? Pure: the api passes the evaluation runs it loaded and the clock.
import { RUN_PARAM } from '@podium/contracts';
import { findMetricSummary } from './metric-value';
import type { EvaluationRequirement, PromotionPolicy, SettingKey, TargetPolicy } from './policy';
import { SETTING_KEYS } from './policy';
import type { GateEvidence, GateReport, GateResult, PromotionTarget, RejectedEvidence } from './gate-types';
import type { ModelVersionSnapshot, RunSnapshot } from './snapshots';
import { shortRunId } from './snapshots';

export interface GateSnapshot {
  readonly modelName: string;
  readonly candidate: ModelVersionSnapshot;
  readonly target: PromotionTarget;
  /** The version in PRODUCTION now (null when none), whatever the target. */
  readonly productionHolder: ModelVersionSnapshot | null;
  /** Evaluation runs of the candidate (others are rejected with a reason, never used). */
  readonly candidateEvaluations: readonly RunSnapshot[];
  /** Evaluation runs of the PRODUCTION holder. */
  readonly holderEvaluations: readonly RunSnapshot[];
}

/** The part of the policy that applies to a target; NONE and ARCHIVED have no gates. */
export function targetPolicyFor(policy: PromotionPolicy | null | undefined, target: PromotionTarget): TargetPolicy | undefined {
  if (!policy) return undefined;
  if (target.kind === 'ALIAS') return policy.aliases?.[target.alias];
  if (target.stage === 'PRODUCTION') return policy.production;
  if (target.stage === 'STAGING') return policy.staging;
  return undefined;
}

/** `classes` absent, blank or an empty list means the evaluation ran on every class (full, unfiltered). */
const UNFILTERED_CLASSES = new Set(['', '[]', 'null', 'none', 'all']);
export const isUnfilteredClasses = (classes: string | undefined): boolean => classes === undefined || UNFILTERED_CLASSES.has(classes.trim().toLowerCase());

/** Settings are compared as numbers when both parse ("0.70" = "0.7"), else as strings; both absent counts as equal. */
function sameSetting(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  const na = Number(a);
  const nb = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na === nb;
  return a.trim() === b.trim();
}

const fmt = (v: number): string => (Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v));

const recency = (run: RunSnapshot): number => (run.endTime ?? run.startTime)?.getTime() ?? 0;

/** Most recent first; ties broken by id so the choice never depends on load order. */
export const byRecency = (a: RunSnapshot, b: RunSnapshot): number => recency(b) - recency(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function settingsOf(run: RunSnapshot): Record<SettingKey, string | null> {
  const out = {} as Record<SettingKey, string | null>;
  for (const key of SETTING_KEYS) out[key] = run.params[key] ?? null;
  return out;
}

function describeSettings(settings: Readonly<Record<SettingKey, string | null>>, keys: readonly SettingKey[]): string {
  return keys.map((k) => `${k}=${settings[k] ?? '∅'}`).join(' ');
}

/** Accepts a run as evidence for `version`, or says every reason it cannot be. */
function qualify(
  run: RunSnapshot,
  modelName: string,
  version: number,
  requirement: EvaluationRequirement,
): { evidence: GateEvidence; rejected?: undefined } | { evidence?: undefined; rejected: RejectedEvidence } {
  const reasons: string[] = [];
  if (run.kind !== 'EVALUATION') reasons.push(`kind is ${run.kind ?? 'unknown'}, not EVALUATION`);
  if (run.status !== 'FINISHED') reasons.push(`status is ${run.status ?? 'unknown'}, not FINISHED`);
  // The params the api writes on an evaluation run (@podium/contracts RUN_PARAM).
  const p = (key: keyof typeof RUN_PARAM): string | undefined => run.params[RUN_PARAM[key]];
  if (p('modelName') !== modelName) reasons.push(`evaluates model "${p('modelName') ?? '∅'}", not "${modelName}"`);
  if (p('modelVersion') !== String(version)) reasons.push(`evaluates version ${p('modelVersion') ?? '∅'}, not ${version}`);
  if (p('dataset') !== requirement.dataset) reasons.push(`dataset is "${p('dataset') ?? '∅'}", not "${requirement.dataset}"`);
  if (!isUnfilteredClasses(p('classes'))) reasons.push(`filtered to classes ${p('classes')} (a full, unfiltered evaluation is required)`);
  const summary = findMetricSummary(run.metrics, requirement.metric);
  if (!summary) reasons.push(`has no ${requirement.metric} metric`);
  else if (!Number.isFinite(summary.last)) reasons.push(`${requirement.metric} is ${summary.last}`);
  if (reasons.length > 0 || !summary) return { rejected: { evaluationRunId: run.id, evaluationRunName: run.name, reasons } };
  return {
    evidence: {
      evaluationRunId: run.id,
      evaluationRunName: run.name,
      modelVersion: version,
      dataset: requirement.dataset,
      datasetDigest: run.params.dataset_digest ?? null,
      settings: settingsOf(run),
      metric: requirement.metric,
      aggregation: 'LAST',
      value: summary.last,
      step: summary.lastStep,
    },
  };
}

function comparable(a: GateEvidence, b: GateEvidence, keys: readonly SettingKey[]): boolean {
  return a.datasetDigest !== null && a.datasetDigest === b.datasetDigest && keys.every((k) => sameSetting(a.settings[k], b.settings[k]));
}

function describeEvidence(e: GateEvidence, keys: readonly SettingKey[]): string {
  const settings = keys.length > 0 ? `, ${describeSettings(e.settings, keys)}` : '';
  return `evaluation ${shortRunId(e.evaluationRunId)} (${e.evaluationRunName}) on ${e.dataset} digest ${e.datasetDigest ?? '∅'}${settings}`;
}

/**
 * The evaluation gate. Evidence choice, strictest first: the most recent candidate evaluation that has a comparable
 * holder evaluation (same dataset digest and settings; the holder's most recent such one) is compared with it; only
 * when no candidate evaluation is comparable does the floor apply, to the most recent usable candidate evaluation.
 * Without a floor and without a comparison, a usable evaluation is enough (EXISTENCE).
 */
export function evaluationGate(requirement: EvaluationRequirement, snapshot: GateSnapshot): GateResult {
  const { modelName, candidate, productionHolder } = snapshot;
  const keys = requirement.settingsMustMatch;
  const rejected: RejectedEvidence[] = [];
  const usable: GateEvidence[] = [];
  for (const run of [...snapshot.candidateEvaluations].sort(byRecency)) {
    const q = qualify(run, modelName, candidate.version, requirement);
    if (q.evidence) usable.push(q.evidence);
    else rejected.push(q.rejected);
  }
  const base = { name: 'EVALUATION' as const, rejected };
  if (usable.length === 0) {
    const seen =
      rejected.length === 0
        ? 'no evaluation run was found'
        : `${rejected.length} evaluation run(s) seen, none usable: ${rejected.map((r) => `${shortRunId(r.evaluationRunId)} ${r.reasons.join(', ')}`).join('; ')}`;
    return {
      ...base,
      passed: false,
      required: {
        source: requirement.floor !== undefined ? 'FLOOR' : 'EXISTENCE',
        comparator: '>=',
        threshold: requirement.floor ?? null,
        metric: requirement.metric,
        holderVersion: null,
        holderEvidence: null,
      },
      observed: null,
      evidence: null,
      message: `Version ${candidate.version} needs a finished, unfiltered evaluation on ${requirement.dataset} with ${requirement.metric}: ${seen}.`,
    };
  }

  const holder = requirement.compareWithProduction && productionHolder && productionHolder.version !== candidate.version ? productionHolder : null;
  let pair: { candidate: GateEvidence; holder: GateEvidence } | null = null;
  if (holder) {
    const holderUsable = [...snapshot.holderEvaluations]
      .sort(byRecency)
      .map((run) => qualify(run, modelName, holder.version, requirement).evidence)
      .filter((e): e is GateEvidence => e !== undefined);
    for (const c of usable) {
      const h = holderUsable.find((e) => comparable(c, e, keys));
      if (h) {
        pair = { candidate: c, holder: h };
        break;
      }
    }
  }

  if (pair) {
    const passed = pair.candidate.value >= pair.holder.value;
    const cmp = passed ? '≥' : '<';
    return {
      ...base,
      passed,
      required: { source: 'PRODUCTION_HOLDER', comparator: '>=', threshold: pair.holder.value, metric: requirement.metric, holderVersion: pair.holder.modelVersion, holderEvidence: pair.holder },
      observed: pair.candidate.value,
      evidence: pair.candidate,
      message: `${requirement.metric} (last value) = ${fmt(pair.candidate.value)} from ${describeEvidence(pair.candidate, keys)} ${cmp} ${fmt(pair.holder.value)} of PRODUCTION version ${pair.holder.modelVersion} from ${describeEvidence(pair.holder, keys)}.`,
    };
  }

  const chosen = usable[0];
  const why = !requirement.compareWithProduction ? '' : holder ? ` (PRODUCTION version ${holder.version} has no evaluation on the same digest and settings)` : ' (no version is in PRODUCTION)';
  if (requirement.floor === undefined) {
    return {
      ...base,
      passed: true,
      required: { source: 'EXISTENCE', comparator: '>=', threshold: null, metric: requirement.metric, holderVersion: null, holderEvidence: null },
      observed: chosen.value,
      evidence: chosen,
      message: `${requirement.metric} (last value) = ${fmt(chosen.value)} from ${describeEvidence(chosen, keys)}; no floor is set${why}, so a usable evaluation suffices.`,
    };
  }
  const passed = chosen.value >= requirement.floor;
  return {
    ...base,
    passed,
    required: { source: 'FLOOR', comparator: '>=', threshold: requirement.floor, metric: requirement.metric, holderVersion: null, holderEvidence: null },
    observed: chosen.value,
    evidence: chosen,
    message: `${requirement.metric} (last value) = ${fmt(chosen.value)} from ${describeEvidence(chosen, keys)} ${passed ? '≥' : '<'} the policy floor ${fmt(requirement.floor)}${why}.`,
  };
}

/** Time in STAGING, from the version's stageEnteredAt to `at`; a version not in STAGING has spent none. */
export function minTimeInStagingGate(minSeconds: number, candidate: ModelVersionSnapshot, at: Date): GateResult {
  const required = { source: 'MIN_SECONDS' as const, comparator: '>=' as const, threshold: minSeconds, metric: null, holderVersion: null, holderEvidence: null };
  if (candidate.stage !== 'STAGING') {
    return {
      name: 'MIN_TIME_IN_STAGING',
      passed: false,
      required,
      observed: null,
      evidence: null,
      rejected: [],
      message: `Version ${candidate.version} is in ${candidate.stage}, not STAGING; it must spend at least ${minSeconds} s in STAGING.`,
    };
  }
  const seconds = Math.max(0, (at.getTime() - candidate.stageEnteredAt.getTime()) / 1000);
  const passed = seconds >= minSeconds;
  return {
    name: 'MIN_TIME_IN_STAGING',
    passed,
    required,
    observed: seconds,
    evidence: null,
    rejected: [],
    message: `Version ${candidate.version} has been in STAGING for ${fmt(seconds)} s since ${candidate.stageEnteredAt.toISOString()} (${passed ? '≥' : '<'} ${minSeconds} s required).`,
  };
}

/** Every gate the policy sets for the target, each with its outcome; `passed` when all pass (or none apply). */
export function evaluateGates(policy: PromotionPolicy | null | undefined, snapshot: GateSnapshot, at: Date): GateReport {
  const target = targetPolicyFor(policy, snapshot.target);
  const gates: GateResult[] = [];
  if (target?.requireEvaluation) gates.push(evaluationGate(target.requireEvaluation, snapshot));
  if (target?.minTimeInStagingSeconds !== undefined) gates.push(minTimeInStagingGate(target.minTimeInStagingSeconds, snapshot.candidate, at));
  return { target: snapshot.target, passed: gates.every((g) => g.passed), gates };
}
