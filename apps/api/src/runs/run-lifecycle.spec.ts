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

describe('planStatusMove with allowResume (MLflow resume)', () => {
  it.each([FINISHED, FAILED, KILLED])('%s → RUNNING resumes the run and clears its end time', (from) => {
    expect(planStatusMove(from, RUNNING, 99, { allowResume: true })).toEqual({ kind: 'resume', endTime: null });
  });

  it('is refused without the option, naming no allowed move', () => {
    expect(planStatusMove(FINISHED, RUNNING, 99)).toEqual({ kind: 'illegal', allowed: [] });
  });

  it('still refuses other moves out of an ended run, naming RUNNING as the one allowed', () => {
    expect(planStatusMove(FINISHED, FAILED, 99, { allowResume: true })).toEqual({ kind: 'illegal', allowed: [RUNNING] });
    expect(planStatusMove(KILLED, QUEUED, 99, { allowResume: true })).toEqual({ kind: 'illegal', allowed: [RUNNING] });
  });

  it('does not change the moves of open runs', () => {
    expect(planStatusMove(RUNNING, FINISHED, 7, { allowResume: true })).toEqual({ kind: 'move', endTime: 7 });
    expect(planStatusMove(QUEUED, RUNNING, 7, { allowResume: true })).toEqual({ kind: 'move', endTime: null });
    expect(planStatusMove(RUNNING, RUNNING, 7, { allowResume: true })).toEqual({ kind: 'unchanged' });
  });
});
