// Reading the transition history back: which version was in PRODUCTION at a given instant.
import type { ModelStage } from './stages';

export interface StageTransitionLike {
  readonly version: number;
  readonly fromStage: ModelStage;
  readonly toStage: ModelStage;
  readonly at: Date;
  /** Insertion order (the api's sequence); used before `at` because SQLite timestamps have second precision. */
  readonly sequence?: number;
}

const order = (a: StageTransitionLike, b: StageTransitionLike): number => (a.sequence !== undefined && b.sequence !== undefined ? a.sequence - b.sequence : a.at.getTime() - b.at.getTime());

/**
 * The version in PRODUCTION at `at` (inclusive: a promotion at exactly `at` counts), replaying every stage transition
 * up to then in order; null when none was. Alias transitions (fromStage = toStage) change nothing here.
 */
export function productionVersionAt(transitions: readonly StageTransitionLike[], at: Date): number | null {
  let current: number | null = null;
  for (const t of [...transitions].sort(order)) {
    if (t.at.getTime() > at.getTime()) continue;
    if (t.fromStage === t.toStage) continue;
    if (t.toStage === 'PRODUCTION') current = t.version;
    else if (t.fromStage === 'PRODUCTION' && t.version === current) current = null;
  }
  return current;
}
