// The job lifecycle on its own: plain rows in, plans out; no database, no Nest.
import { describe, expect, it } from 'vitest';
import type { EvaluationResultData } from './evaluation-contract';
import {
  type Claimant,
  EvaluationJobStatus as S,
  type JobPlan,
  type JobState,
  planCancel,
  planClaim,
  planComplete,
  planFail,
  planHeartbeat,
  planLeaseExpiry,
  planRelease,
  planResultFile,
  planWorkerRemoval,
} from './job-lifecycle';

const AT = 1_800_000_000_000;
const JOB_ID = '11111111-1111-4111-8111-111111111111';
const REAL: Claimant = { workerId: 'w-real', tokenId: 't-real' };

const queued = (over: Partial<JobState> = {}): JobState => ({
  id: JOB_ID,
  status: S.QUEUED,
  attempt: 0,
  maxAttempts: 3,
  leaseExpiries: 0,
  workerId: null,
  claimTokenId: null,
  leaseSeconds: 60,
  leaseExpiresAt: null,
  cancelRequested: false,
  progress: null,
  result: null,
  error: null,
  errorCode: null,
  startedAt: null,
  finishedAt: null,
  updatedAt: AT - 10_000,
  ...over,
});

/** Attempt 1 held by REAL, its lease running until AT + 30 s. */
const running = (over: Partial<JobState> = {}): JobState =>
  queued({ status: S.RUNNING, attempt: 1, workerId: REAL.workerId, claimTokenId: REAL.tokenId, leaseExpiresAt: AT + 30_000, startedAt: AT - 30_000, ...over });

const result = { map50: 0.62, map50_95: 0.4, imagesEvaluated: 126, skippedImages: 2, imagesPerSecond: 250 } as EvaluationResultData;

function moved<T extends JobState>(plan: JobPlan<T>) {
  if (plan.kind !== 'MOVE') throw new Error(`expected a move, got ${JSON.stringify(plan)}`);
  return plan;
}

function refusal<T extends JobState>(plan: JobPlan<T>) {
  if (plan.kind !== 'REFUSED') throw new Error(`expected a refusal, got ${JSON.stringify(plan)}`);
  return plan.refusal;
}

describe('planClaim', () => {
  it('leases a QUEUED job as the next attempt, bound to the worker and the token that claimed it', () => {
    const plan = planClaim(queued({ attempt: 1, startedAt: AT - 99 }), { claimant: REAL, leaseSeconds: 45 }, AT);
    if (plan.kind !== 'MOVE') throw new Error('expected a move');
    expect(plan.expect).toEqual({ status: S.QUEUED, attempt: 1 });
    expect(plan.patch).toEqual({
      status: S.RUNNING,
      attempt: 2,
      workerId: 'w-real',
      claimTokenId: 't-real',
      leaseSeconds: 45,
      leaseExpiresAt: AT + 45_000,
      startedAt: AT - 99,
      progress: null,
      updatedAt: AT,
    });
    expect(plan.next).toMatchObject({ id: JOB_ID, status: S.RUNNING, attempt: 2, workerId: 'w-real', claimTokenId: 't-real' });
    expect(plan.run).toBeNull();
    expect(plan.events).toEqual(['JOB_UPDATED']);
  });

  it('records the first start only once, and a tokenless claimant (the local admin) as no token', () => {
    const plan = planClaim(queued(), { claimant: { workerId: 'w-local', tokenId: null }, leaseSeconds: 60 }, AT);
    if (plan.kind !== 'MOVE') throw new Error('expected a move');
    expect(plan.next).toMatchObject({ startedAt: AT, claimTokenId: null, workerId: 'w-local' });
  });

  it('refuses a job that is not QUEUED', () => {
    const plan = planClaim(running(), { claimant: REAL, leaseSeconds: 60 }, AT);
    expect(plan).toEqual({ kind: 'REFUSED', refusal: { code: 'CONFLICT', reason: 'NOT_QUEUED', message: `job ${JOB_ID} is RUNNING, not QUEUED`, details: { status: S.RUNNING } } });
  });
});

describe('the claimant rule: only the worker and the token that claimed the attempt may report on it', () => {
  const forgers: [string, Claimant][] = [
    ['another token naming the real worker', { workerId: 'w-real', tokenId: 't-forger' }],
    ['the real token naming another worker', { workerId: 'w-other', tokenId: 't-real' }],
    ['another worker and token', { workerId: 'w-forger', tokenId: 't-forger' }],
    ['the tokenless local admin', { workerId: 'w-real', tokenId: null }],
  ];
  const reports = (claimant: Claimant): [string, JobPlan<JobState>][] => {
    const ref = { jobId: JOB_ID, attempt: 1, claimant };
    return [
      ['heartbeat', planHeartbeat(running(), { ...ref, progress: { done: 1, total: 2, imagesPerSecond: 1, etaSeconds: 1 } }, AT)],
      ['complete', planComplete(running(), { ...ref, raw: { map50: 0.99 }, result: { ...result, map50: 0.99 } }, AT)],
      ['fail', planFail(running(), { ...ref, error: 'forged', code: null }, AT)],
      ['release', planRelease(running(), { ...ref, reason: 'forged' }, AT)],
      ['result file', planResultFile(running(), ref)],
      // A completed attempt is not re-readable by a forger either: its idempotent answer is the claimant's only.
      ['complete again', planComplete(running({ status: S.SUCCEEDED }), { ...ref, raw: {}, result }, AT)],
    ];
  };

  for (const [who, claimant] of forgers) {
    it(`refuses every report from ${who} (FORBIDDEN, naming the job and attempt only)`, () => {
      for (const [op, plan] of reports(claimant)) {
        expect(refusal(plan), op).toEqual({
          code: 'FORBIDDEN',
          reason: 'NOT_CLAIMANT',
          message: `job ${JOB_ID} attempt 1 was claimed by another worker or api token; only its claimant may report on it`,
          details: { jobId: JOB_ID, attempt: 1 },
        });
      }
    });
  }

  it('lets the claimant report', () => {
    for (const [op, plan] of reports(REAL)) expect(plan.kind, op).not.toBe('REFUSED');
  });

  it('binds a tokenless claim to the worker alone (auth disabled, or the loopback local admin)', () => {
    const local = running({ workerId: 'w-local', claimTokenId: null });
    expect(moved(planHeartbeat(local, { jobId: JOB_ID, attempt: 1, claimant: { workerId: 'w-local', tokenId: null }, progress: null }, AT)).kind).toBe('MOVE');
    expect(refusal(planHeartbeat(local, { jobId: JOB_ID, attempt: 1, claimant: { workerId: 'w-other', tokenId: null }, progress: null }, AT)).reason).toBe('NOT_CLAIMANT');
  });
});

describe('the stale-attempt rule: a report for any attempt but the current claim is CONFLICT', () => {
  const stale = (status: string, attempt: number) => ({
    code: 'CONFLICT',
    reason: 'STALE_ATTEMPT',
    message: `stale attempt: job ${JOB_ID} attempt 1 is no longer current (it is ${status} at attempt ${attempt})`,
    details: { status, currentAttempt: attempt },
  });

  it('refuses an older attempt, whoever sends it, before looking at the claimant', () => {
    const reclaimed = running({ attempt: 2, workerId: 'w-new', claimTokenId: 't-new' });
    expect(refusal(planHeartbeat(reclaimed, { jobId: JOB_ID, attempt: 1, claimant: REAL, progress: null }, AT))).toEqual(stale('RUNNING', 2));
    expect(refusal(planComplete(reclaimed, { jobId: JOB_ID, attempt: 1, claimant: REAL, raw: {}, result }, AT))).toEqual(stale('RUNNING', 2));
    expect(refusal(planFail(reclaimed, { jobId: JOB_ID, attempt: 1, claimant: REAL, error: 'x', code: null }, AT))).toEqual(stale('RUNNING', 2));
    expect(refusal(planRelease(reclaimed, { jobId: JOB_ID, attempt: 1, claimant: REAL, reason: 'x' }, AT))).toEqual(stale('RUNNING', 2));
  });

  it('refuses the same attempt once nobody holds it (released, expired, handed back), even from its former claimant', () => {
    const released = queued({ attempt: 1, error: 'released: SIGTERM' });
    expect(refusal(planHeartbeat(released, { jobId: JOB_ID, attempt: 1, claimant: REAL, progress: null }, AT))).toEqual(stale('QUEUED', 1));
    expect(refusal(planComplete(released, { jobId: JOB_ID, attempt: 1, claimant: REAL, raw: {}, result }, AT))).toEqual(stale('QUEUED', 1));
  });

  it('refuses a job that does not exist', () => {
    expect(refusal(planFail(null, { jobId: JOB_ID, attempt: 1, claimant: REAL, error: 'x', code: null }, AT))).toEqual({
      code: 'CONFLICT',
      reason: 'STALE_ATTEMPT',
      message: `stale attempt: job ${JOB_ID} attempt 1 is no longer current (it does not exist)`,
      details: { status: null, currentAttempt: null },
    });
  });

  it('refuses a heartbeat or release on an attempt that already ended', () => {
    const done = running({ status: S.FAILED, finishedAt: AT - 5 });
    expect(refusal(planHeartbeat(done, { jobId: JOB_ID, attempt: 1, claimant: REAL, progress: null }, AT))).toEqual(stale('FAILED', 1));
    expect(refusal(planRelease(done, { jobId: JOB_ID, attempt: 1, claimant: REAL, reason: 'x' }, AT))).toEqual(stale('FAILED', 1));
    expect(refusal(planComplete(done, { jobId: JOB_ID, attempt: 1, claimant: REAL, raw: {}, result }, AT))).toEqual(stale('FAILED', 1));
  });
});

describe('planResultFile', () => {
  it('lets the claimant of the running attempt attach a file, writing nothing on the job', () => {
    expect(planResultFile(running(), { jobId: JOB_ID, attempt: 1, claimant: REAL })).toEqual({ kind: 'UNCHANGED', job: running() });
  });

  it('refuses an ended, an older or an unheld attempt as stale', () => {
    for (const job of [running({ status: S.SUCCEEDED }), running({ attempt: 2 }), queued({ attempt: 1 }), null]) {
      expect(refusal(planResultFile(job, { jobId: JOB_ID, attempt: 1, claimant: REAL })).reason).toBe('STALE_ATTEMPT');
    }
  });
});

describe('reports from the claimant', () => {
  const ref = { jobId: JOB_ID, attempt: 1, claimant: REAL };

  it("heartbeat extends the lease by the claim's length and keeps the last progress when none is sent", () => {
    const progress = { done: 64, total: 128, imagesPerSecond: 100, etaSeconds: 0.64 };
    const plan = moved(planHeartbeat(running({ leaseSeconds: 20 }), { ...ref, progress }, AT));
    expect(plan.patch).toEqual({ leaseExpiresAt: AT + 20_000, progress, updatedAt: AT });
    expect(plan.expect).toEqual({ status: S.RUNNING, attempt: 1 });
    expect(moved(planHeartbeat(running({ progress }), { ...ref, progress: null }, AT)).patch).toEqual({ leaseExpiresAt: AT + 60_000, updatedAt: AT });
  });

  it('complete: SUCCEEDED with the result, the run finished in the same transaction; again is UNCHANGED', () => {
    const raw = { map50: 0.62 };
    const plan = moved(planComplete(running(), { ...ref, raw, result }, AT));
    expect(plan.patch).toEqual({ status: S.SUCCEEDED, result: raw, finishedAt: AT, leaseExpiresAt: null, progress: { done: 128, total: 128, imagesPerSecond: 250, etaSeconds: 0 }, updatedAt: AT });
    expect(plan.run).toEqual({ kind: 'FINISH', result });
    expect(plan.events).toEqual(['JOB_UPDATED']);
    expect(planComplete(plan.next, { ...ref, raw: { map50: 0.9 }, result }, AT + 1)).toEqual({ kind: 'UNCHANGED', job: plan.next });
  });

  it('fail: FAILED with the code, or CANCELLED for a cancel; the run ends; the same final state again is UNCHANGED', () => {
    const failed = moved(planFail(running(), { ...ref, error: 'out of memory', code: 'OOM' }, AT));
    expect(failed.patch).toEqual({ status: S.FAILED, error: 'out of memory', errorCode: 'OOM', finishedAt: AT, leaseExpiresAt: null, updatedAt: AT });
    expect(failed.run).toEqual({ kind: 'END' });
    expect(planFail(failed.next, { ...ref, error: 'again', code: 'OOM' }, AT)).toEqual({ kind: 'UNCHANGED', job: failed.next });
    expect(moved(planFail(running(), { ...ref, error: 'stopped', code: 'CANCELLED' }, AT)).next.status).toBe(S.CANCELLED);
    expect(moved(planFail(running({ cancelRequested: true }), { ...ref, error: 'model invalid', code: 'MODEL_INVALID' }, AT)).next.status).toBe(S.CANCELLED);
  });

  it('release: QUEUED again with nobody holding it, attempt and expiries unchanged, workers woken; CANCELLED when a cancel is pending', () => {
    const plan = moved(planRelease(running({ leaseExpiries: 1, progress: { done: 1, total: 2, imagesPerSecond: 1, etaSeconds: 1 } }), { ...ref, reason: 'SIGTERM' }, AT));
    expect(plan.patch).toEqual({ status: S.QUEUED, workerId: null, claimTokenId: null, leaseExpiresAt: null, progress: null, error: 'released: SIGTERM', updatedAt: AT });
    expect(plan.next).toMatchObject({ attempt: 1, leaseExpiries: 1 });
    expect(plan.run).toBeNull();
    expect(plan.events).toEqual(['JOB_QUEUED', 'JOB_UPDATED']);
    const cancelled = moved(planRelease(running({ cancelRequested: true }), { ...ref, reason: 'SIGTERM' }, AT));
    expect(cancelled.patch).toEqual({ status: S.CANCELLED, error: 'cancelled (released: SIGTERM)', errorCode: 'CANCELLED', finishedAt: AT, leaseExpiresAt: null, updatedAt: AT });
    expect(cancelled.run).toEqual({ kind: 'END' });
    expect(cancelled.events).toEqual(['JOB_UPDATED']);
  });
});

describe('planLeaseExpiry', () => {
  it('leaves a job whose lease still holds, or that is not RUNNING', () => {
    expect(planLeaseExpiry(running(), AT).kind).toBe('UNCHANGED');
    expect(planLeaseExpiry(running({ leaseExpiresAt: AT }), AT).kind).toBe('UNCHANGED');
    expect(planLeaseExpiry(queued(), AT + 3_600_000).kind).toBe('UNCHANGED');
  });

  it('re-queues an expired lease (counted), fails the maxAttempts-th, cancels when a cancel was requested', () => {
    const later = AT + 31_000;
    const requeued = planLeaseExpiry(running(), later);
    expect(requeued).toMatchObject({
      kind: 'MOVE',
      patch: { status: S.QUEUED, leaseExpiries: 1, workerId: null, claimTokenId: null, leaseExpiresAt: null, progress: null, error: 'lease expired (attempt 1)' },
      run: null,
      events: ['JOB_QUEUED', 'JOB_UPDATED'],
    });
    expect(planLeaseExpiry(running({ attempt: 3, leaseExpiries: 2 }), later)).toMatchObject({
      kind: 'MOVE',
      expect: { status: S.RUNNING, attempt: 3 },
      patch: { status: S.FAILED, leaseExpiries: 3, error: 'lease expired 3 times', errorCode: 'LEASE_EXPIRED', finishedAt: later },
      run: { kind: 'END' },
    });
    expect(planLeaseExpiry(running({ cancelRequested: true }), later)).toMatchObject({
      patch: { status: S.CANCELLED, errorCode: 'CANCELLED', error: 'cancelled (lease expired)' },
      run: { kind: 'END' },
    });
  });
});

describe('planWorkerRemoval', () => {
  const req = { workerId: 'w-real', workerName: 'gpu-1', by: 'ops' };

  it('hands the job back to the queue without counting a failure; its next claim is a new attempt', () => {
    const plan = planWorkerRemoval(running({ leaseExpiries: 1 }), req, AT);
    expect(plan).toMatchObject({
      kind: 'MOVE',
      patch: { status: S.QUEUED, workerId: null, claimTokenId: null, error: 'worker gpu-1 removed by ops (attempt 1)' },
      events: ['JOB_QUEUED', 'JOB_UPDATED'],
    });
    if (plan.kind !== 'MOVE') throw new Error('expected a move');
    expect(plan.next.leaseExpiries).toBe(1);
    const reclaimed = planClaim(plan.next, { claimant: { workerId: 'w-2', tokenId: 't-2' }, leaseSeconds: 60 }, AT + 1);
    expect(reclaimed).toMatchObject({ kind: 'MOVE', next: { attempt: 2, workerId: 'w-2' } });
  });

  it('cancels a job whose cancel was pending, and leaves jobs the worker does not hold', () => {
    expect(planWorkerRemoval(running({ cancelRequested: true }), req, AT)).toMatchObject({
      kind: 'MOVE',
      patch: { status: S.CANCELLED, error: 'cancelled (worker gpu-1 removed)' },
      run: { kind: 'END' },
    });
    expect(planWorkerRemoval(running({ workerId: 'w-other' }), req, AT).kind).toBe('UNCHANGED');
    expect(planWorkerRemoval(running({ status: S.SUCCEEDED }), req, AT).kind).toBe('UNCHANGED');
  });
});

describe('planCancel', () => {
  it('cancels a QUEUED job at once (its run ends) and asks a RUNNING one to stop', () => {
    expect(planCancel(queued(), { by: 'alice' }, AT)).toMatchObject({
      kind: 'MOVE',
      patch: { status: S.CANCELLED, error: 'cancelled by alice', errorCode: 'CANCELLED', finishedAt: AT },
      run: { kind: 'END' },
    });
    const asked = moved(planCancel(running(), { by: 'alice' }, AT));
    expect(asked.patch).toEqual({ cancelRequested: true, updatedAt: AT });
    expect(asked.run).toBeNull();
  });

  it('is idempotent, and refuses a job already finished', () => {
    expect(planCancel(running({ cancelRequested: true }), { by: 'a' }, AT).kind).toBe('UNCHANGED');
    expect(planCancel(queued({ status: S.CANCELLED }), { by: 'a' }, AT).kind).toBe('UNCHANGED');
    expect(refusal(planCancel(running({ status: S.SUCCEEDED }), { by: 'a' }, AT))).toEqual({
      code: 'FAILED_PRECONDITION',
      reason: 'ALREADY_FINAL',
      message: `job ${JOB_ID} is already SUCCEEDED`,
      details: { status: S.SUCCEEDED },
    });
  });
});
