// The stage machine: which moves are legal, decided once here so the api and the docs agree.
import { RegistryError } from './registry-error';

export const MODEL_STAGES = ['NONE', 'STAGING', 'PRODUCTION', 'ARCHIVED'] as const;
export type ModelStage = (typeof MODEL_STAGES)[number];

export const isModelStage = (value: unknown): value is ModelStage => typeof value === 'string' && (MODEL_STAGES as readonly string[]).includes(value);

/** Stages that at most one version of a model may hold at a time. */
export const EXCLUSIVE_STAGES: readonly ModelStage[] = ['PRODUCTION'];

/** Stages whose entry needs a written decision (a non-blank justification). */
export const DECISION_STAGES: readonly ModelStage[] = ['STAGING', 'PRODUCTION'];

/**
 * Legal moves. Unlike MLflow (any → any) a version reaches PRODUCTION through STAGING, so the staging gates and the
 * time in STAGING mean something; a policy may set `production.allowDirectPromotion` to also allow NONE and ARCHIVED
 * → PRODUCTION. ARCHIVED → STAGING is the rollback path (re-validate an old version, then promote it). PRODUCTION
 * only leaves by being archived (explicitly, or when another version is promoted over it).
 */
const LEGAL_MOVES: Readonly<Record<ModelStage, readonly ModelStage[]>> = {
  NONE: ['STAGING', 'ARCHIVED'],
  STAGING: ['PRODUCTION', 'ARCHIVED', 'NONE'],
  PRODUCTION: ['ARCHIVED'],
  ARCHIVED: ['STAGING'],
};

export interface StageMoveOptions {
  /** From the policy: NONE/ARCHIVED → PRODUCTION without passing through STAGING. */
  readonly allowDirectPromotion?: boolean;
}

export function legalTargets(from: ModelStage, options: StageMoveOptions = {}): ModelStage[] {
  const targets = [...LEGAL_MOVES[from]];
  if (options.allowDirectPromotion && (from === 'NONE' || from === 'ARCHIVED')) targets.push('PRODUCTION');
  return targets;
}

export function isLegalStageMove(from: ModelStage, to: ModelStage, options: StageMoveOptions = {}): boolean {
  return legalTargets(from, options).includes(to);
}

/** Throws ILLEGAL_TRANSITION with a message that says what is allowed instead. */
export function assertLegalStageMove(version: number, from: ModelStage, to: ModelStage, options: StageMoveOptions = {}): void {
  if (from === to) {
    throw new RegistryError('ILLEGAL_TRANSITION', `Version ${version} is already in ${to}.`);
  }
  if (!isLegalStageMove(from, to, options)) {
    const allowed = legalTargets(from, options);
    const hint = to === 'PRODUCTION' && (from === 'NONE' || from === 'ARCHIVED') ? ' Move it to STAGING first (or set production.allowDirectPromotion in the promotion policy).' : '';
    throw new RegistryError('ILLEGAL_TRANSITION', `Version ${version} cannot move from ${from} to ${to}; from ${from} it may move to ${allowed.join(', ') || 'nothing'}.${hint}`);
  }
}
