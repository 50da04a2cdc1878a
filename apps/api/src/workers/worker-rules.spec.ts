// Worker names, owners and states on their own: plain rows in, decisions out.
import { describe, expect, it } from 'vitest';
import { admitClaim, admitReport, planRegistration, planStateChange, type WorkerCaller, type WorkerOwnership, WorkerState } from './worker-rules';

const OWNER: WorkerCaller = { tokenId: 't-1', tokenName: 'gpu-fleet' };
const worker = (over: Partial<WorkerOwnership> = {}): WorkerOwnership => ({
  id: 'w-1',
  name: 'gpu-1',
  tokenId: 't-1',
  tokenName: 'gpu-fleet',
  state: WorkerState.ACTIVE,
  stateChangedBy: null,
  stateReason: null,
  ...over,
});

describe('planRegistration', () => {
  it('gives a new name to the caller, and lets the owner register it again (a restart)', () => {
    expect(planRegistration(null, OWNER)).toEqual({ kind: 'REGISTER', tokenId: 't-1', tokenName: 'gpu-fleet', state: WorkerState.ACTIVE });
    expect(planRegistration(worker(), OWNER)).toEqual({ kind: 'REGISTER', tokenId: 't-1', tokenName: 'gpu-fleet', state: WorkerState.ACTIVE });
  });

  it("refuses another token's name (CONFLICT), whatever its role", () => {
    const taken = {
      kind: 'REFUSED',
      refusal: { code: 'CONFLICT', reason: 'NAME_TAKEN', message: 'worker name "gpu-1" is registered by another api token; pick another name (PODIUM_WORKER_NAME)', details: { name: 'gpu-1' } },
    };
    expect(planRegistration(worker(), { tokenId: 't-2', tokenName: 'forger' })).toEqual(taken);
    expect(planRegistration(worker(), { tokenId: null, tokenName: 'local' })).toEqual(taken);
    expect(planRegistration(worker({ tokenId: null, tokenName: 'local' }), { tokenId: 't-2', tokenName: 'forger' })).toEqual(taken);
  });

  it('lets a rotated token of the same token name take the name over (the old one was revoked: active names are unique)', () => {
    expect(planRegistration(worker(), { tokenId: 't-9', tokenName: 'gpu-fleet' })).toEqual({ kind: 'REGISTER', tokenId: 't-9', tokenName: 'gpu-fleet', state: WorkerState.ACTIVE });
    // A row from before ownership whose token was already gone: its token name still decides.
    expect(planRegistration(worker({ tokenId: null }), { tokenId: 't-9', tokenName: 'gpu-fleet' })).toMatchObject({ kind: 'REGISTER', tokenId: 't-9' });
    // A row that names no owner at all is taken by its next registrant.
    expect(planRegistration(worker({ tokenId: null, tokenName: null }), { tokenId: 't-2', tokenName: 'other' })).toMatchObject({ kind: 'REGISTER', tokenId: 't-2', tokenName: 'other' });
  });

  it('keeps an ADMIN-set state across a restart, and refuses a removed name until it is resumed', () => {
    expect(planRegistration(worker({ state: WorkerState.DRAINING }), OWNER)).toMatchObject({ kind: 'REGISTER', state: WorkerState.DRAINING });
    expect(planRegistration(worker({ state: WorkerState.REMOVED, stateChangedBy: 'ops', stateReason: 'disk failing' }), OWNER)).toEqual({
      kind: 'REFUSED',
      refusal: {
        code: 'FAILED_PRECONDITION',
        reason: 'WORKER_REMOVED',
        message: 'worker "gpu-1" was removed by ops (disk failing): an ADMIN can bring it back with resumeWorker, or register under another name',
        details: { workerId: 'w-1' },
      },
    });
  });
});

describe('admitClaim and admitReport', () => {
  it('admits the owner of an ACTIVE worker to both', () => {
    expect(admitClaim(worker(), OWNER)).toEqual({ kind: 'ADMITTED' });
    expect(admitReport(worker(), OWNER)).toEqual({ kind: 'ADMITTED' });
    expect(admitClaim(worker({ tokenId: null, tokenName: 'local' }), { tokenId: null, tokenName: 'local' })).toEqual({ kind: 'ADMITTED' });
  });

  it("refuses any other token, even one of the owner's token name that has not registered (FORBIDDEN)", () => {
    for (const caller of [
      { tokenId: 't-2', tokenName: 'forger' },
      { tokenId: 't-9', tokenName: 'gpu-fleet' },
      { tokenId: null, tokenName: 'local' },
    ]) {
      const refused = { kind: 'REFUSED', refusal: { code: 'FORBIDDEN', reason: 'NOT_OWNER', message: 'worker "gpu-1" belongs to another api token', details: { workerId: 'w-1' } } };
      expect(admitClaim(worker(), caller)).toEqual(refused);
      expect(admitReport(worker(), caller)).toEqual(refused);
    }
  });

  it('a draining worker reports on its running job but claims no new one', () => {
    const draining = worker({ state: WorkerState.DRAINING, stateChangedBy: 'ops', stateReason: null });
    expect(admitReport(draining, OWNER)).toEqual({ kind: 'ADMITTED' });
    expect(admitClaim(draining, OWNER)).toEqual({
      kind: 'REFUSED',
      refusal: { code: 'FAILED_PRECONDITION', reason: 'WORKER_DRAINING', message: 'worker "gpu-1" is draining (by ops): it takes no new jobs until an ADMIN resumes it', details: { workerId: 'w-1' } },
    });
  });

  it('a removed worker can neither claim nor report', () => {
    const removed = worker({ state: WorkerState.REMOVED, stateChangedBy: 'ops', stateReason: 'retired' });
    const refused = { code: 'FORBIDDEN', reason: 'WORKER_REMOVED', message: 'worker "gpu-1" was removed by ops (retired): it can no longer claim or report', details: { workerId: 'w-1' } };
    expect(admitClaim(removed, OWNER)).toEqual({ kind: 'REFUSED', refusal: refused });
    expect(admitReport(removed, OWNER)).toEqual({ kind: 'REFUSED', refusal: refused });
  });
});

describe('planStateChange', () => {
  const at = 1_800_000_000_000;
  it('drains, removes and resumes, recording who, when and why (resume clears the reason)', () => {
    expect(planStateChange(worker(), WorkerState.DRAINING, { by: 'ops', reason: 'kernel update' }, at)).toEqual({
      kind: 'MOVE',
      patch: { state: WorkerState.DRAINING, stateChangedAt: at, stateChangedBy: 'ops', stateReason: 'kernel update' },
    });
    expect(planStateChange(worker({ state: WorkerState.DRAINING }), WorkerState.REMOVED, { by: 'ops', reason: null }, at)).toMatchObject({ kind: 'MOVE', patch: { state: WorkerState.REMOVED } });
    expect(planStateChange(worker({ state: WorkerState.REMOVED, stateReason: 'x' }), WorkerState.ACTIVE, { by: 'ops', reason: 'ignored' }, at)).toEqual({
      kind: 'MOVE',
      patch: { state: WorkerState.ACTIVE, stateChangedAt: at, stateChangedBy: 'ops', stateReason: null },
    });
  });

  it('is idempotent, and will not drain a removed worker', () => {
    expect(planStateChange(worker(), WorkerState.ACTIVE, { by: 'ops', reason: null }, at)).toEqual({ kind: 'UNCHANGED' });
    expect(planStateChange(worker({ state: WorkerState.REMOVED }), WorkerState.REMOVED, { by: 'ops', reason: null }, at)).toEqual({ kind: 'UNCHANGED' });
    expect(planStateChange(worker({ state: WorkerState.REMOVED, stateChangedBy: 'ops' }), WorkerState.DRAINING, { by: 'ops', reason: null }, at)).toMatchObject({
      kind: 'REFUSED',
      refusal: { code: 'FAILED_PRECONDITION', reason: 'WORKER_REMOVED', message: 'worker "gpu-1" was removed by ops: resume it before draining it' },
    });
  });
});
