// Worker registration (upsert by name, owned by the api token that registered it), admission of claims and reports,
// state changes (drain, remove, resume) and liveness. The rules are in worker-rules.ts; this loads and persists.
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Identity } from '../auth/roles';
import { notFound } from '../common/app-error';
import { keysetPage, type Page } from '../common/pagination';
import { refusalError } from '../common/refusal';
import { isUuid } from '../common/uuid';
import { Database } from '../database/database';
import { isUniqueViolation } from '../database/unique-violation';
import type { RegisterWorkerInput } from './dto/register-worker.input';
import { WorkerEntity } from './worker.entity';
import { type Admission, admitClaim, admitReport, planRegistration, planStateChange, type WorkerCaller, type WorkerState } from './worker-rules';
import { WorkersRepository } from './workers.repository';

/** The identity as the worker rules see it: its api token (none for the tokenless local admin) and name. */
export const workerCallerOf = (identity: Identity): WorkerCaller => ({ tokenId: identity.tokenId ?? null, tokenName: identity.name });

@Injectable()
export class WorkersService {
  constructor(
    private readonly db: Database,
    private readonly repo: WorkersRepository,
  ) {}

  async register(input: RegisterWorkerInput, caller: Identity): Promise<WorkerEntity> {
    const attempt = () =>
      this.db.write(async (tx) => {
        const now = Date.now();
        const existing = await this.repo.findByName(tx, input.name);
        const plan = planRegistration(existing, workerCallerOf(caller));
        if (plan.kind === 'REFUSED') throw refusalError(plan.refusal);
        const row = Object.assign(existing ?? new WorkerEntity(), {
          id: existing?.id ?? randomUUID(),
          name: input.name,
          executionProviders: [...new Set(input.executionProviders.map((p) => p.toUpperCase()))],
          gpuName: input.gpuName ?? null,
          gpuMemoryMb: input.gpuMemoryMb ?? null,
          cpuCores: input.cpuCores,
          cpuModel: input.cpuModel ?? null,
          version: input.version ?? null,
          createdBy: existing?.createdBy ?? caller.name,
          createdAt: existing?.createdAt ?? now,
          tokenId: plan.tokenId,
          tokenName: plan.tokenName,
          state: plan.state,
          stateChangedAt: existing?.stateChangedAt ?? null,
          stateChangedBy: existing?.stateChangedBy ?? null,
          stateReason: existing?.stateReason ?? null,
          lastHeartbeatAt: now,
        });
        await this.repo.save(tx, row);
        return row;
      });
    try {
      return await attempt();
    } catch (e) {
      // Two first registrations of one name raced on PostgreSQL: the second now finds the row and is judged on it.
      if (isUniqueViolation(e)) return attempt();
      throw e;
    }
  }

  /** Inside a claim's transaction: the worker exists, `caller` owns it and it is ACTIVE; its heartbeat time moves to `at`. */
  admitClaim(tx: EntityManager, workerId: string, caller: Identity, at: number): Promise<WorkerEntity> {
    return this.admit(tx, workerId, at, (w) => admitClaim(w, workerCallerOf(caller)));
  }

  /** Inside a report's transaction: the worker exists, `caller` owns it and it was not removed; touched at `at`. */
  admitReport(tx: EntityManager, workerId: string, caller: Identity, at: number): Promise<WorkerEntity> {
    return this.admit(tx, workerId, at, (w) => admitReport(w, workerCallerOf(caller)));
  }

  /** Moves the worker to `to` inside `tx` (row locked); returns it as it is after the move. */
  async changeState(tx: EntityManager, id: string, to: WorkerState, req: { by: string; reason: string | null }, at: number): Promise<WorkerEntity> {
    const worker = isUuid(id) ? await this.repo.lockById(tx, id) : null;
    if (!worker) throw notFound('Worker', id);
    const plan = planStateChange(worker, to, req, at);
    if (plan.kind === 'REFUSED') throw refusalError(plan.refusal);
    if (plan.kind === 'UNCHANGED') return worker;
    await this.repo.updateState(tx, id, plan.patch);
    return Object.assign(worker, plan.patch);
  }

  /** Whether an ACTIVE worker that can run `provider` has been seen within `withinMs` of `now`. */
  anyLiveWithProvider(tx: EntityManager, provider: string, now: number, withinMs = 120_000): Promise<boolean> {
    return this.repo.anyLiveWithProvider(tx, provider, now - withinMs);
  }

  async byIds(ids: readonly string[]): Promise<(WorkerEntity | null)[]> {
    const rows = await this.repo.findByIds(ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  list(first?: number | null, after?: string | null): Promise<Page<WorkerEntity>> {
    return keysetPage(
      first,
      after,
      (a, limit) => this.repo.findPage(a, limit),
      (w) => ({ key: w.name, id: w.id }),
    );
  }

  private async admit(tx: EntityManager, workerId: string, at: number, rule: (w: WorkerEntity) => Admission): Promise<WorkerEntity> {
    // Locked (PostgreSQL), so a concurrent drain or removal is decided before or after this report, not during it.
    const worker = await this.repo.lockById(tx, workerId);
    if (!worker) throw notFound('Worker', workerId);
    const admission = rule(worker);
    if (admission.kind === 'REFUSED') throw refusalError(admission.refusal);
    await this.repo.touch(tx, workerId, at);
    return worker;
  }
}
