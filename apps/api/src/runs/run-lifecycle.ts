// Which run status moves are legal: QUEUED → RUNNING → FINISHED | FAILED | KILLED; a queued run may also end FAILED or
// KILLED. MLflow's resume (start_run(run_id=…), MLFLOW_RUN_ID) sends an ended run back to RUNNING: legal only when the
// caller asks for it (the MLflow routes do), and recorded in the run's history by the service.
import { RunStatus } from './run-kind';

const NEXT: Record<RunStatus, RunStatus[]> = {
  [RunStatus.QUEUED]: [RunStatus.RUNNING, RunStatus.FAILED, RunStatus.KILLED],
  [RunStatus.RUNNING]: [RunStatus.FINISHED, RunStatus.FAILED, RunStatus.KILLED],
  [RunStatus.FINISHED]: [],
  [RunStatus.FAILED]: [],
  [RunStatus.KILLED]: [],
};

export const TERMINAL_STATUSES: ReadonlySet<RunStatus> = new Set([RunStatus.FINISHED, RunStatus.FAILED, RunStatus.KILLED]);

export type StatusMove =
  | { kind: 'unchanged' }
  | { kind: 'move'; endTime: number | null }
  /** An ended run back to RUNNING: its end time is cleared. */
  | { kind: 'resume'; endTime: null }
  | { kind: 'illegal'; allowed: RunStatus[] };

export interface StatusMoveOptions {
  /** Allow an ended run (FINISHED, FAILED, KILLED) back to RUNNING, as MLflow does when a run is resumed. */
  allowResume?: boolean;
}

/** What setting `to` on a run in `from` does at `at` (ms): the same status again is a no-op (an idempotent retry). */
export function planStatusMove(from: RunStatus, to: RunStatus, at: number, opts: StatusMoveOptions = {}): StatusMove {
  if (from === to) return { kind: 'unchanged' };
  const resumable = opts.allowResume === true && TERMINAL_STATUSES.has(from);
  if (resumable && to === RunStatus.RUNNING) return { kind: 'resume', endTime: null };
  const allowed = resumable ? [RunStatus.RUNNING] : NEXT[from];
  if (!NEXT[from].includes(to)) return { kind: 'illegal', allowed };
  return { kind: 'move', endTime: TERMINAL_STATUSES.has(to) ? at : null };
}
