// Which run status moves are legal: QUEUED → RUNNING → FINISHED | FAILED | KILLED; a queued run may also end FAILED or KILLED.
import { RunStatus } from './run-kind';

const NEXT: Record<RunStatus, RunStatus[]> = {
  [RunStatus.QUEUED]: [RunStatus.RUNNING, RunStatus.FAILED, RunStatus.KILLED],
  [RunStatus.RUNNING]: [RunStatus.FINISHED, RunStatus.FAILED, RunStatus.KILLED],
  [RunStatus.FINISHED]: [],
  [RunStatus.FAILED]: [],
  [RunStatus.KILLED]: [],
};

export const TERMINAL_STATUSES: ReadonlySet<RunStatus> = new Set([RunStatus.FINISHED, RunStatus.FAILED, RunStatus.KILLED]);

export type StatusMove = { kind: 'unchanged' } | { kind: 'move'; endTime: number | null } | { kind: 'illegal'; allowed: RunStatus[] };

/** What setting `to` on a run in `from` does at `at` (ms): the same status again is a no-op (an idempotent retry). */
export function planStatusMove(from: RunStatus, to: RunStatus, at: number): StatusMove {
  if (from === to) return { kind: 'unchanged' };
  if (!NEXT[from].includes(to)) return { kind: 'illegal', allowed: NEXT[from] };
  return { kind: 'move', endTime: TERMINAL_STATUSES.has(to) ? at : null };
}
