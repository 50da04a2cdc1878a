// Who owns a worker name and what a worker may do in each state, as pure functions (CONTRIBUTING.md rule 3): the
// service loads the row, asks here, and persists the answer; a "no" is a typed refusal (common/refusal.ts).
//
// A worker name belongs to the api token that registered it first. The same token registers it again (a restart),
// and so does a token of the same token name — which can only exist once the first one was revoked, since active
// token names are unique — so a rotated token (the local worker's, a fleet's) keeps its workers. Any other token is
// refused (CONFLICT: the name is taken, as a unique name is elsewhere). An ADMIN drains a worker (it finishes its
// running job and claims no new one), removes it (it can no longer claim or report), or resumes it.
import type { Refusal } from '../common/refusal';

export enum WorkerState {
  ACTIVE = 'ACTIVE',
  DRAINING = 'DRAINING',
  REMOVED = 'REMOVED',
}

/** The columns of a worker these rules read (WorkerEntity is one). */
export interface WorkerOwnership {
  readonly id: string;
  readonly name: string;
  /** The api token that owns the name; null for the tokenless local admin (or a row older than ownership). */
  readonly tokenId: string | null;
  /** That token's name when it registered ("local" for the local admin). */
  readonly tokenName: string | null;
  readonly state: WorkerState;
  readonly stateChangedBy: string | null;
  readonly stateReason: string | null;
}

/** Who is calling: the api token's id (null for the tokenless local admin) and its name. */
export interface WorkerCaller {
  readonly tokenId: string | null;
  readonly tokenName: string;
}

export type WorkerRefusalReason = 'NAME_TAKEN' | 'NOT_OWNER' | 'WORKER_REMOVED' | 'WORKER_DRAINING';

export type Admission = { readonly kind: 'ADMITTED' } | { readonly kind: 'REFUSED'; readonly refusal: Refusal<WorkerRefusalReason> };

export interface Registration {
  readonly kind: 'REGISTER';
  /** The owner to record (the caller; on a takeover, the rotated token). */
  readonly tokenId: string | null;
  readonly tokenName: string;
  /** A re-registration keeps the state an ADMIN set (a restarted draining worker still drains). */
  readonly state: WorkerState;
}

export type StateChange =
  | { readonly kind: 'MOVE'; readonly patch: { state: WorkerState; stateChangedAt: number; stateChangedBy: string; stateReason: string | null } }
  | { readonly kind: 'UNCHANGED' }
  | { readonly kind: 'REFUSED'; readonly refusal: Refusal<WorkerRefusalReason> };

const refused = (code: Refusal['code'], reason: WorkerRefusalReason, message: string, details: Record<string, unknown>) => ({ kind: 'REFUSED' as const, refusal: { code, reason, message, details } });

/** The caller is the worker's owner: the same token, or (no token on either side) the same tokenless identity. */
export function ownsWorker(worker: WorkerOwnership, caller: WorkerCaller): boolean {
  return worker.tokenId !== null ? worker.tokenId === caller.tokenId : caller.tokenId === null && worker.tokenName === caller.tokenName;
}

function removedRefusal(worker: WorkerOwnership, code: Refusal['code'], what: string) {
  const why = worker.stateReason ? ` (${worker.stateReason})` : '';
  return refused(code, 'WORKER_REMOVED', `worker "${worker.name}" was removed by ${worker.stateChangedBy ?? 'an admin'}${why}: ${what}`, { workerId: worker.id });
}

/** registerWorker: a new name, the owner again, or a rotated token of the owner's name; any other token is refused. */
export function planRegistration(existing: WorkerOwnership | null, caller: WorkerCaller): Registration | Extract<StateChange, { kind: 'REFUSED' }> {
  if (!existing) return { kind: 'REGISTER', tokenId: caller.tokenId, tokenName: caller.tokenName, state: WorkerState.ACTIVE };
  const unowned = existing.tokenId === null && existing.tokenName === null;
  if (!ownsWorker(existing, caller) && !unowned && existing.tokenName !== caller.tokenName) {
    return refused('CONFLICT', 'NAME_TAKEN', `worker name "${existing.name}" is registered by another api token; pick another name (PODIUM_WORKER_NAME)`, { name: existing.name });
  }
  if (existing.state === WorkerState.REMOVED) return removedRefusal(existing, 'FAILED_PRECONDITION', 'an ADMIN can bring it back with resumeWorker, or register under another name');
  return { kind: 'REGISTER', tokenId: caller.tokenId, tokenName: caller.tokenName, state: existing.state };
}

function admitOwner(worker: WorkerOwnership, caller: WorkerCaller): Admission {
  if (!ownsWorker(worker, caller)) return refused('FORBIDDEN', 'NOT_OWNER', `worker "${worker.name}" belongs to another api token`, { workerId: worker.id });
  if (worker.state === WorkerState.REMOVED) return removedRefusal(worker, 'FORBIDDEN', 'it can no longer claim or report');
  return { kind: 'ADMITTED' };
}

/** claimEvaluationJob: the owner, while the worker is ACTIVE (a draining worker takes no new job). */
export function admitClaim(worker: WorkerOwnership, caller: WorkerCaller): Admission {
  const owner = admitOwner(worker, caller);
  if (owner.kind === 'REFUSED' || worker.state === WorkerState.ACTIVE) return owner;
  const why = worker.stateReason ? ` (${worker.stateReason})` : '';
  return refused('FAILED_PRECONDITION', 'WORKER_DRAINING', `worker "${worker.name}" is draining (by ${worker.stateChangedBy ?? 'an admin'}${why}): it takes no new jobs until an ADMIN resumes it`, {
    workerId: worker.id,
  });
}

/** heartbeat, complete, fail, release: the owner, unless removed (a draining worker finishes its running job). */
export function admitReport(worker: WorkerOwnership, caller: WorkerCaller): Admission {
  return admitOwner(worker, caller);
}

/** drainWorker / removeWorker / resumeWorker. Draining a removed worker is refused: resume it first. */
export function planStateChange(worker: WorkerOwnership, to: WorkerState, req: { readonly by: string; readonly reason: string | null }, at: number): StateChange {
  if (worker.state === to) return { kind: 'UNCHANGED' };
  if (to === WorkerState.DRAINING && worker.state === WorkerState.REMOVED) return removedRefusal(worker, 'FAILED_PRECONDITION', 'resume it before draining it');
  return { kind: 'MOVE', patch: { state: to, stateChangedAt: at, stateChangedBy: req.by, stateReason: to === WorkerState.ACTIVE ? null : req.reason } };
}
