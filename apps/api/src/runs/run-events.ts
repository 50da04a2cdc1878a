// Typed event topics of runs (CONTRIBUTING.md rule 7): published after commit, filtered by the experiment id.
import type { RunRecord } from './runs.mapper';

export const RUN_UPDATED = 'RUN_UPDATED';

export type RunChange = 'CREATED' | 'UPDATED' | 'STATUS_CHANGED' | 'DELETED' | 'RESTORED';

/** Payload of `RUN_UPDATED:<experimentId>`. */
export interface RunUpdatedEvent {
  change: RunChange;
  run: RunRecord;
}
