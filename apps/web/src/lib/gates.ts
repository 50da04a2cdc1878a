// How a gate reads on the page: what was required, what was seen, the evidence behind it and, for a refused
// promotion, why each candidate evaluation was not accepted.
import type { GateEvidence, GateResult } from '../api/adapters';
import { formatNumber } from './grid';

export interface GateRow {
  name: string;
  passed: boolean;
  required: string;
  observed: string;
  evidence: string | null;
  evidenceRunId: string | null;
  rejected: string[];
  message: string;
}

const NAMES: Record<string, string> = { EVALUATION: 'Evaluation', MIN_TIME_IN_STAGING: 'Time in STAGING' };

function duration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

function requiredText(g: GateResult): string {
  const r = g.required;
  const metric = r.metric ?? 'metric';
  switch (r.source) {
    case 'MIN_SECONDS':
      return `≥ ${duration(r.threshold ?? 0)} in STAGING`;
    case 'FLOOR':
      return `${metric} ≥ ${formatNumber(r.threshold, 3)} (policy floor)`;
    case 'PRODUCTION_HOLDER':
      return `${metric} ≥ ${formatNumber(r.threshold, 3)} (v${r.holderVersion ?? '?'} in PRODUCTION)`;
    case 'EXISTENCE':
      return `a usable evaluation with ${metric}`;
    default:
      return `${r.comparator} ${formatNumber(r.threshold, 3)}`;
  }
}

function evidenceText(e: GateEvidence): string {
  const settings = e.settings
    .filter((p) => p.value !== null)
    .map((p) => `${p.key}=${p.value}`)
    .join(', ');
  const value = e.value === null ? '' : `${e.metric ?? 'value'} ${formatNumber(e.value, 3)} `;
  return `${value}from ${e.evaluationRunName} (v${e.modelVersion ?? '?'} on ${e.dataset ?? '?'}${settings ? `, ${settings}` : ''})`;
}

export function gateRow(g: GateResult): GateRow {
  return {
    name: NAMES[g.name] ?? g.name,
    passed: g.passed,
    required: requiredText(g),
    observed: g.observed === null ? 'nothing observed' : g.name === 'MIN_TIME_IN_STAGING' ? duration(g.observed) : formatNumber(g.observed, 3),
    evidence: g.evidence ? evidenceText(g.evidence) : null,
    evidenceRunId: g.evidence?.evaluationRunId ?? null,
    rejected: g.rejected.map((r) => `${r.evaluationRunName}: ${r.reasons.join('; ') || 'not accepted'}`),
    message: g.message,
  };
}

/** Failing gates first (what blocks the promotion), then the passed ones, each group in the order given. */
export function gateRows(gates: readonly GateResult[]): GateRow[] {
  const rows = gates.map(gateRow);
  return [...rows.filter((r) => !r.passed), ...rows.filter((r) => r.passed)];
}
