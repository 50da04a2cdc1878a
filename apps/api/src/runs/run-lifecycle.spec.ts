import { describe, expect, it } from 'vitest';
import { RunStatus } from './run-kind';
import { planStatusMove } from './run-lifecycle';

const { QUEUED, RUNNING, FINISHED, FAILED, KILLED } = RunStatus;

describe('planStatusMove', () => {
  it.each([FINISHED, FAILED, KILLED])('RUNNING → %s ends the run at the given time', (to) => {
    expect(planStatusMove(RUNNING, to, 1234)).toEqual({ kind: 'move', endTime: 1234 });
  });

  it('QUEUED → RUNNING starts without an end time', () => {
    expect(planStatusMove(QUEUED, RUNNING, 5)).toEqual({ kind: 'move', endTime: null });
  });

  it('QUEUED may end KILLED or FAILED but not FINISHED', () => {
    expect(planStatusMove(QUEUED, KILLED, 5)).toEqual({ kind: 'move', endTime: 5 });
    expect(planStatusMove(QUEUED, FINISHED, 5)).toEqual({ kind: 'illegal', allowed: [RUNNING, FAILED, KILLED] });
  });

  it.each([
    [FINISHED, RUNNING],
    [FINISHED, FAILED],
    [FAILED, RUNNING],
    [KILLED, FINISHED],
    [RUNNING, QUEUED],
  ])('%s → %s is illegal', (from, to) => {
    expect(planStatusMove(from, to, 1).kind).toBe('illegal');
  });

  it('the same status again is a no-op', () => {
    expect(planStatusMove(FINISHED, FINISHED, 1)).toEqual({ kind: 'unchanged' });
  });
});
