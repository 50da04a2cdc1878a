// The evaluation job's lifecycle as pure functions, like the registry's planPromotion (CONTRIBUTING.md rule 3): each
// takes the job row as plain data, the request and `at`, and returns a plan — the patch with its compare-and-set
// condition, what happens to the evaluation run, the events to publish after commit — or a typed refusal. The
// services lock the row, plan, persist the plan in one transaction and publish after commit (job-transitions.ts).
// No database, clock or framework here: the api and its unit spec import this file as it is.
//
// QUEUED → RUNNING (a claim: attempt + 1, a lease, the claimant) → SUCCEEDED | FAILED | CANCELLED; RUNNING goes back to
// QUEUED when its lease expires, its worker releases it or an admin removes its worker. Every report (heartbeat,
// complete, fail, release) passes two rules first:
// - stale attempt: the report names its attempt; one that is not the job's current claim is CONFLICT, so a worker that
//   lost its lease can never write over the work of the one that re-claimed the job;
// - claimant: the current attempt belongs to the worker and the api token that claimed it; a report from any other
//   worker or token is FORBIDDEN and changes nothing.
import type { Refusal } from '../common/refusal';
import type { EvaluationResultData } from './evaluation-contract';

export enum EvaluationJobStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}

export const FINAL_STATUSES: ReadonlySet<EvaluationJobStatus> = new Set([EvaluationJobStatus.SUCCEEDED, EvaluationJobStatus.FAILED, EvaluationJobStatus.CANCELLED]);

export interface JobProgress {
  done: number;
  total: number;
  imagesPerSecond: number;
  etaSeconds: number;
}

/** The columns of a job the lifecycle reads and writes (EvaluationJobEntity is one; times are epoch ms). */
export interface JobState {
  readonly id: string;
  status: EvaluationJobStatus;
  attempt: number;
  maxAttempts: number;
  leaseExpiries: number;
  /** The worker holding the current attempt; null while nobody does (QUEUED, or never claimed). */
  workerId: string | null;
  /** The api token that claimed the current attempt; null for the tokenless local admin (or nobody). */
  claimTokenId: string | null;
  leaseSeconds: number;
  leaseExpiresAt: number | null;
  cancelRequested: boolean;
  progress: JobProgress | null;
  result: Record<string, unknown> | null;
  error: string | null;
  errorCode: string | null;
  startedAt: number | null;
  finishedAt: number | null;
  updatedAt: number;
}

export type JobPatch = Partial<Omit<JobState, 'id'>>;

/** Who acts on a job: the worker id it names and the api token it authenticated with (null: the local admin). */
export interface Claimant {
  readonly workerId: string;
  readonly tokenId: string | null;
}

/** Every report names the job, the attempt it holds, and who sends it. */
export interface JobReport {
  readonly jobId: string;
  readonly attempt: number;
  readonly claimant: Claimant;
}

/** What the move does to the job's evaluation run, in the same transaction. */
export type RunEffect = { readonly kind: 'FINISH'; readonly result: EvaluationResultData } | { readonly kind: 'END' };

/** Published after commit: JOB_QUEUED wakes idle workers, JOB_UPDATED feeds evaluationJobUpdated. */
export type JobEvent = 'JOB_QUEUED' | 'JOB_UPDATED';

export interface JobMove<T extends JobState> {
  readonly kind: 'MOVE';
  /** Persist with `WHERE id AND status AND attempt` as they are here: 0 rows updated means another move won. */
  readonly expect: { readonly status: EvaluationJobStatus; readonly attempt: number };
  readonly patch: JobPatch;
  /** The row once the patch is applied. */
  readonly next: T;
  readonly run: RunEffect | null;
  readonly events: readonly JobEvent[];
}

/** The request was already applied (a retried report, a second cancel): answer with the job, write nothing. */
export interface JobUnchanged<T extends JobState> {
  readonly kind: 'UNCHANGED';
  readonly job: T;
}

export type JobRefusalReason = 'STALE_ATTEMPT' | 'NOT_CLAIMANT' | 'NOT_QUEUED' | 'ALREADY_FINAL';

export interface JobRefused {
  readonly kind: 'REFUSED';
  readonly refusal: Refusal<JobRefusalReason>;
}

export type JobPlan<T extends JobState> = JobMove<T> | JobUnchanged<T> | JobRefused;

const { QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED } = EvaluationJobStatus;

function move<T extends JobState>(job: T, patch: JobPatch, at: number, run: RunEffect | null, events: readonly JobEvent[]): JobMove<T> {
  const full: JobPatch = { ...patch, updatedAt: at };
  return { kind: 'MOVE', expect: { status: job.status, attempt: job.attempt }, patch: full, next: { ...job, ...full }, run, events };
}

const unchanged = <T extends JobState>(job: T): JobUnchanged<T> => ({ kind: 'UNCHANGED', job });

function refuse(code: Refusal['code'], reason: JobRefusalReason, message: string, details?: Record<string, unknown>): JobRefused {
  return { kind: 'REFUSED', refusal: { code, reason, message, details } };
}

/** CONFLICT: the report's attempt is not the job's current claim (or the job does not exist). */
export function staleAttempt(job: JobState | null, jobId: string, attempt: number): JobRefused {
  const state = job ? `it is ${job.status} at attempt ${job.attempt}` : 'it does not exist';
  return refuse('CONFLICT', 'STALE_ATTEMPT', `stale attempt: job ${jobId} attempt ${attempt} is no longer current (${state})`, { status: job?.status ?? null, currentAttempt: job?.attempt ?? null });
}

export function isClaimant(job: JobState, claimant: Claimant): boolean {
  return job.workerId === claimant.workerId && job.claimTokenId === claimant.tokenId;
}

/** The two rules every report passes: its attempt is the current claim, and it comes from that claim's claimant. */
function admitReport<T extends JobState>(job: T | null, report: JobReport): T | JobRefused {
  // A job nobody holds (released, expired, removed: workerId cleared) has no current claim to report on.
  if (!job || job.attempt !== report.attempt || job.workerId === null) return staleAttempt(job, report.jobId, report.attempt);
  if (!isClaimant(job, report.claimant)) {
    // The message names the job and the attempt only: nothing about the claimant or any token.
    return refuse('FORBIDDEN', 'NOT_CLAIMANT', `job ${report.jobId} attempt ${report.attempt} was claimed by another worker or api token; only its claimant may report on it`, {
      jobId: report.jobId,
      attempt: report.attempt,
    });
  }
  return job;
}

const isRefused = (x: JobState | JobRefused): x is JobRefused => (x as JobRefused).kind === 'REFUSED';

/** Back in the queue: nobody holds it, its next claim is a new attempt. */
const requeued = (error: string): JobPatch => ({ status: QUEUED, workerId: null, claimTokenId: null, leaseExpiresAt: null, progress: null, error });

const ended = (status: EvaluationJobStatus, error: string, errorCode: string | null, at: number): JobPatch => ({ status, error, errorCode, finishedAt: at, leaseExpiresAt: null });

export interface ClaimRequest {
  readonly claimant: Claimant;
  readonly leaseSeconds: number;
}

/** A QUEUED job leased to the claimant: the next attempt, recorded with the worker and the token that claimed it. */
export function planClaim<T extends JobState>(job: T, req: ClaimRequest, at: number): JobMove<T> | JobRefused {
  if (job.status !== QUEUED) return refuse('CONFLICT', 'NOT_QUEUED', `job ${job.id} is ${job.status}, not QUEUED`, { status: job.status });
  return move(
    job,
    {
      status: RUNNING,
      attempt: job.attempt + 1,
      workerId: req.claimant.workerId,
      claimTokenId: req.claimant.tokenId,
      leaseSeconds: req.leaseSeconds,
      leaseExpiresAt: at + req.leaseSeconds * 1000,
      startedAt: job.startedAt ?? at,
      progress: null,
    },
    at,
    null,
    ['JOB_UPDATED'],
  );
}

/** Extends the lease by the claim's lease length; records the progress when there is one. */
export function planHeartbeat<T extends JobState>(job: T | null, req: JobReport & { readonly progress: JobProgress | null }, at: number): JobPlan<T> {
  const current = admitReport(job, req);
  if (isRefused(current)) return current;
  if (current.status !== RUNNING) return staleAttempt(current, req.jobId, req.attempt);
  return move(current, { leaseExpiresAt: at + current.leaseSeconds * 1000, ...(req.progress ? { progress: req.progress } : {}) }, at, null, ['JOB_UPDATED']);
}

/**
 * May this report attach a result file (the detections) to the job's evaluation run? Only the claimant of the current
 * attempt, while it runs: UNCHANGED (nothing to write on the job) when it may, REFUSED as any report otherwise.
 */
export function planResultFile<T extends JobState>(job: T | null, req: JobReport): JobUnchanged<T> | JobRefused {
  const current = admitReport(job, req);
  if (isRefused(current)) return current;
  if (current.status !== RUNNING) return staleAttempt(current, req.jobId, req.attempt);
  return unchanged(current);
}

/** SUCCEEDED with the result; the evaluation run takes it in the same transaction. Idempotent per attempt. */
export function planComplete<T extends JobState>(job: T | null, req: JobReport & { readonly raw: Record<string, unknown>; readonly result: EvaluationResultData }, at: number): JobPlan<T> {
  const current = admitReport(job, req);
  if (isRefused(current)) return current;
  if (current.status === SUCCEEDED) return unchanged(current);
  if (current.status !== RUNNING) return staleAttempt(current, req.jobId, req.attempt);
  const total = Math.round(req.result.imagesEvaluated + req.result.skippedImages);
  return move(
    current,
    { status: SUCCEEDED, result: req.raw, finishedAt: at, leaseExpiresAt: null, progress: { done: total, total, imagesPerSecond: req.result.imagesPerSecond, etaSeconds: 0 } },
    at,
    { kind: 'FINISH', result: req.result },
    ['JOB_UPDATED'],
  );
}

/** FAILED, or CANCELLED when the worker stopped for a cancel (code CANCELLED, or a cancel was requested). */
export function planFail<T extends JobState>(job: T | null, req: JobReport & { readonly error: string; readonly code: string | null }, at: number): JobPlan<T> {
  const current = admitReport(job, req);
  if (isRefused(current)) return current;
  const final = req.code === 'CANCELLED' || current.cancelRequested ? CANCELLED : FAILED;
  if (current.status === final) return unchanged(current);
  if (current.status !== RUNNING) return staleAttempt(current, req.jobId, req.attempt);
  return move(current, ended(final, req.error, req.code, at), at, { kind: 'END' }, ['JOB_UPDATED']);
}

/** The worker hands the job back (it is stopping): QUEUED again, not counted against the attempt cap. */
export function planRelease<T extends JobState>(job: T | null, req: JobReport & { readonly reason: string }, at: number): JobPlan<T> {
  const current = admitReport(job, req);
  if (isRefused(current)) return current;
  if (current.status !== RUNNING) return staleAttempt(current, req.jobId, req.attempt);
  if (current.cancelRequested) return move(current, ended(CANCELLED, `cancelled (released: ${req.reason})`, 'CANCELLED', at), at, { kind: 'END' }, ['JOB_UPDATED']);
  return move(current, requeued(`released: ${req.reason}`), at, null, ['JOB_QUEUED', 'JOB_UPDATED']);
}

/**
 * A RUNNING job whose lease ended before `at`: QUEUED again (the next claim is attempt + 1), FAILED at the
 * maxAttempts-th expiry, CANCELLED when a cancel was requested. UNCHANGED for any job whose lease still holds.
 */
export function planLeaseExpiry<T extends JobState>(job: T, at: number): JobMove<T> | JobUnchanged<T> {
  if (job.status !== RUNNING || job.leaseExpiresAt === null || job.leaseExpiresAt >= at) return unchanged(job);
  const leaseExpiries = job.leaseExpiries + 1;
  if (job.cancelRequested) return move(job, { ...ended(CANCELLED, 'cancelled (lease expired)', 'CANCELLED', at), leaseExpiries }, at, { kind: 'END' }, ['JOB_UPDATED']);
  if (leaseExpiries >= job.maxAttempts) return move(job, { ...ended(FAILED, `lease expired ${leaseExpiries} times`, 'LEASE_EXPIRED', at), leaseExpiries }, at, { kind: 'END' }, ['JOB_UPDATED']);
  return move(job, { ...requeued(`lease expired (attempt ${job.attempt})`), leaseExpiries }, at, null, ['JOB_QUEUED', 'JOB_UPDATED']);
}

/**
 * An ADMIN removed the worker holding the job: QUEUED again, its next claim a new attempt, not counted as a failure
 * (the lease expiries stay as they were); CANCELLED when a cancel was requested. UNCHANGED for a job it does not hold.
 */
export function planWorkerRemoval<T extends JobState>(job: T, req: { readonly workerId: string; readonly workerName: string; readonly by: string }, at: number): JobMove<T> | JobUnchanged<T> {
  if (job.status !== RUNNING || job.workerId !== req.workerId) return unchanged(job);
  if (job.cancelRequested) return move(job, ended(CANCELLED, `cancelled (worker ${req.workerName} removed)`, 'CANCELLED', at), at, { kind: 'END' }, ['JOB_UPDATED']);
  return move(job, requeued(`worker ${req.workerName} removed by ${req.by} (attempt ${job.attempt})`), at, null, ['JOB_QUEUED', 'JOB_UPDATED']);
}

/** A user's cancel: QUEUED → CANCELLED at once (its run KILLED); RUNNING → cancel requested (seen on the next heartbeat). */
export function planCancel<T extends JobState>(job: T, req: { readonly by: string }, at: number): JobPlan<T> {
  if (job.status === CANCELLED || (job.status === RUNNING && job.cancelRequested)) return unchanged(job);
  if (job.status === QUEUED) return move(job, ended(CANCELLED, `cancelled by ${req.by}`, 'CANCELLED', at), at, { kind: 'END' }, ['JOB_UPDATED']);
  if (job.status === RUNNING) return move(job, { cancelRequested: true }, at, null, ['JOB_UPDATED']);
  return refuse('FAILED_PRECONDITION', 'ALREADY_FINAL', `job ${job.id} is already ${job.status}`, { status: job.status });
}
