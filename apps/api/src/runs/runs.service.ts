// Runs: create (with params and tags), read by id or short prefix, status lifecycle, params (immutable), tags, soft delete.
// Over 300 lines: one method per run operation, each a short unit of work; the rules themselves are pure functions.
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Identity } from '../auth/roles';
import { AppError, badInput, conflict, failedPrecondition, notFound } from '../common/app-error';
import { keysetPage, type Page } from '../common/pagination';
import { isUuid } from '../common/uuid';
import { Database, type UnitOfWork } from '../database/database';
import type { KeyValue } from '../experiments/experiment.entity';
import { ExperimentsService } from '../experiments/experiments.service';
import { PUB_SUB, type PodiumPubSub } from '../graphql/pubsub';
import { RUN_UPDATED, type RunChange, type RunUpdatedEvent } from './run-events';
import { RunKind, RunStatus } from './run-kind';
import { planStatusMove } from './run-lifecycle';
import type { RunHistoryEntity } from './run-history.entity';
import { type RunEntity, shortIdOf } from './run.entity';
import { toRunRecord } from './runs.mapper';
import { type KeyValueRow, RunsRepository } from './runs.repository';

export interface CreateRunData {
  experimentId: string;
  name?: string | null;
  kind?: RunKind | null;
  /** RUNNING (default) or QUEUED (an evaluation job waiting for a worker). */
  status?: RunStatus | null;
  params?: KeyValue[] | null;
  tags?: KeyValue[] | null;
  parentRunId?: string | null;
  evaluationDataset?: string | null;
  /** Epoch ms the run started (an MLflow client sends its own); default now. */
  startTime?: number | null;
}

export interface UpdateRunData {
  id: string;
  status?: RunStatus | null;
  name?: string | null;
  /** Epoch ms the run ended, when the move ends it (an MLflow client sends its own); default now. */
  endTime?: number | null;
}

export interface UpdateRunOptions {
  /** MLflow's resume: an ended run may go back to RUNNING (recorded in its history as RESUMED). */
  allowResume?: boolean;
  /** Join this unit of work (then `input.id` a full id): commit with the caller's writes, publish after that commit. */
  uow?: UnitOfWork;
}

/** Largest epoch ms a Date can hold. */
const MAX_EPOCH_MS = 8.64e15;

/** Validates an update before anything is read; returns the trimmed name. */
function checkUpdate(input: UpdateRunData): string | undefined {
  const name = input.name?.trim();
  if (input.name != null && !name) throw badInput('name must not be blank');
  if (name && name.length > 256) throw badInput(`name must be at most 256 characters, got ${name.length}`);
  checkEpochMs('endTime', input.endTime);
  return name;
}

function checkEpochMs(what: string, ms: number | null | undefined): void {
  if (ms != null && (!Number.isInteger(ms) || ms < 0 || ms > MAX_EPOCH_MS)) throw badInput(`${what} must be epoch milliseconds (a non-negative integer), got ${ms}`);
}

/** A lowercase, hyphenated uuid prefix for a short id or full id given with or without hyphens; undefined if not hex. */
export function uuidPrefixOf(idOrPrefix: string): string | undefined {
  const hex = idOrPrefix.trim().toLowerCase().replace(/-/g, '');
  if (!/^[0-9a-f]{1,32}$/.test(hex)) return undefined;
  const cuts = [8, 12, 16, 20];
  let out = '';
  for (let i = 0; i < hex.length; i++) {
    if (cuts.includes(i)) out += '-';
    out += hex[i];
  }
  return out;
}

/** Rejects a second, different value for the same key inside one request. */
function dedupeParams(params: readonly KeyValue[]): KeyValue[] {
  const seen = new Map<string, string>();
  for (const p of params) {
    const prev = seen.get(p.key);
    if (prev !== undefined && prev !== p.value) throw paramConflict(p.key, prev, p.value);
    seen.set(p.key, p.value);
  }
  return [...seen].map(([key, value]) => ({ key, value }));
}

const paramConflict = (key: string, existing: string, attempted: string): AppError =>
  conflict(`param "${key}" already has value "${existing}"; refusing "${attempted}" (params are immutable)`, { reason: 'PARAM_CONFLICT', key, existing, attempted });

@Injectable()
export class RunsService {
  constructor(
    private readonly db: Database,
    private readonly repo: RunsRepository,
    private readonly experiments: ExperimentsService,
    @Inject(PUB_SUB) private readonly pubSub: PodiumPubSub,
  ) {}

  async createRun(input: CreateRunData, actor: Identity): Promise<RunEntity> {
    const status = input.status ?? RunStatus.RUNNING;
    if (status !== RunStatus.RUNNING && status !== RunStatus.QUEUED) throw badInput(`a run is created RUNNING or QUEUED, not ${status}`);
    const params = dedupeParams(input.params ?? []);
    checkEpochMs('startTime', input.startTime);
    const id = randomUUID();
    const run = await this.db.write(async (tx) => {
      // Read and held in this transaction (not on the reader): a concurrent deleteExperiment waits for this run's
      // commit, or commits first and the run is refused.
      const exp = await this.experiments.hold(tx, input.experimentId);
      if (!exp) throw notFound('Experiment', input.experimentId);
      if (exp.lifecycle === 'deleted') throw failedPrecondition(`experiment "${exp.name}" is deleted; restore it before adding runs`);
      if (input.parentRunId && !(await this.repo.findByIds([input.parentRunId], tx)).length) throw notFound('Run', input.parentRunId);
      const row = {
        id,
        experimentId: exp.id,
        name: input.name?.trim() || `run-${shortIdOf(id)}`,
        kind: input.kind ?? RunKind.TRAINING,
        status,
        startTime: input.startTime ?? Date.now(),
        endTime: null,
        parentRunId: input.parentRunId ?? null,
        createdBy: actor.name,
        lifecycle: 'active',
        nextSequence: 0,
        metricKeyCount: 0,
        evaluationDataset: input.evaluationDataset ?? null,
      } as RunEntity;
      await this.repo.insert(tx, row);
      await this.repo.insertParams(
        tx,
        params.map((p) => ({ runId: id, ...p })),
      );
      await this.repo.upsertTags(tx, lastWins(id, input.tags ?? []));
      this.publishAfterCommit(tx, 'CREATED', row);
      return row;
    });
    return run;
  }

  /** A run by full id or unique short-id prefix (NOT_FOUND; an ambiguous prefix is BAD_USER_INPUT). Deleted runs too. */
  async getRun(idOrShortPrefix: string): Promise<RunEntity> {
    const run = await this.findRun(idOrShortPrefix);
    if (!run) throw notFound('Run', idOrShortPrefix);
    return run;
  }

  /** As getRun, but null when no run matches (the `run` query: one missing id must not null a whole response). */
  async findRun(idOrShortPrefix: string): Promise<RunEntity | null> {
    if (!idOrShortPrefix.trim()) throw badInput('run id must not be empty');
    const prefix = uuidPrefixOf(idOrShortPrefix);
    if (!prefix) return null;
    if (prefix.length === 36) return (await this.repo.findByIds([prefix]))[0] ?? null;
    const found = await this.repo.findByIdPrefix(prefix, 2);
    if (found.length === 0) return null;
    if (found.length > 1) throw badInput(`run id prefix "${idOrShortPrefix}" is ambiguous (matches ${found.map((r) => shortIdOf(r.id)).join(', ')}, …); give more characters`);
    return found[0];
  }

  /** The runs among `ids` that exist (any order; unknown or malformed ids are left out). */
  findRunsByIds(ids: readonly string[]): Promise<RunEntity[]> {
    return this.repo.findByIds([...new Set(ids.filter(isUuid).map((i) => i.toLowerCase()))]);
  }

  listRuns(args: { experimentId: string; first?: number | null; after?: string | null; includeDeleted?: boolean }): Promise<Page<RunEntity>> {
    return keysetPage(
      args.first,
      args.after,
      (after, limit) => this.repo.page(args.experimentId, after, limit, args.includeDeleted ?? false),
      (r) => ({ key: r.startTime, id: r.id }),
    );
  }

  /**
   * Renames and/or moves the status (QUEUED → RUNNING → FINISHED | FAILED | KILLED; with `allowResume` an ended run
   * back to RUNNING); an illegal move is FAILED_PRECONDITION. Each status move is recorded in the run's history.
   */
  async updateRun(input: UpdateRunData, actor: Identity, opts: UpdateRunOptions = {}): Promise<RunEntity> {
    checkUpdate(input);
    const id = opts.uow ? input.id.toLowerCase() : (await this.getRun(input.id)).id;
    return this.db.write((tx) => this.writeUpdate(tx, id, input, actor, opts), opts.uow);
  }

  private async writeUpdate(tx: UnitOfWork, id: string, input: UpdateRunData, actor: Identity, opts: UpdateRunOptions): Promise<RunEntity> {
    const name = checkUpdate(input);
    let change: RunChange | undefined;
    const run = await this.lockActive(tx, id);
    const patch: Partial<RunEntity> = {};
    if (name && name !== run.name) {
      patch.name = name;
      change = 'UPDATED';
    }
    if (input.status != null) {
      const at = input.endTime ?? Date.now();
      const move = planStatusMove(run.status, input.status, at, opts);
      if (move.kind === 'illegal') {
        throw failedPrecondition(
          `run ${shortIdOf(run.id)} cannot move from ${run.status} to ${input.status}` + (move.allowed.length ? ` (allowed: ${move.allowed.join(', ')})` : ` (${run.status} is final)`),
          {
            reason: 'ILLEGAL_TRANSITION',
            from: run.status,
            to: input.status,
          },
        );
      }
      if (move.kind === 'move' || move.kind === 'resume') {
        patch.status = input.status;
        patch.endTime = move.endTime;
        change = 'STATUS_CHANGED';
        await this.repo.appendHistory(tx, {
          runId: run.id,
          change: move.kind === 'resume' ? 'RESUMED' : 'STATUS_CHANGED',
          fromStatus: run.status,
          toStatus: input.status,
          actor: actor.name,
          at: Date.now(),
        });
      }
    }
    if (Object.keys(patch).length) await this.repo.update(tx, run.id, patch);
    const updated = { ...run, ...patch } as RunEntity;
    if (change) this.publishAfterCommit(tx, change, updated);
    return updated;
  }

  /** The status moves of each run, oldest first (every id gets an entry, possibly empty). */
  async historyByRunIds(ids: readonly string[]): Promise<Map<string, RunHistoryEntity[]>> {
    const out = new Map<string, RunHistoryEntity[]>(ids.map((id) => [id, []]));
    for (const row of await this.repo.historyByRunIds(ids.filter(isUuid))) out.get(row.runId)?.push(row);
    return out;
  }

  /** Soft delete: the run and its history stay stored; restoreRun undoes it. */
  deleteRun(id: string): Promise<RunEntity> {
    return this.setLifecycle(id, 'deleted');
  }

  restoreRun(id: string): Promise<RunEntity> {
    return this.setLifecycle(id, 'active');
  }

  /**
   * Params are immutable: the same value again is a no-op, a different value is CONFLICT naming the key and both
   * values. With `uow` (then `runId` a full id) they commit with the caller's other writes.
   */
  async logParams(runId: string, params: readonly KeyValue[], uow?: UnitOfWork): Promise<RunEntity> {
    const wanted = dedupeParams(params);
    const id = uow ? runId.toLowerCase() : (await this.getRun(runId)).id;
    return this.db.write((tx) => this.writeParams(tx, id, wanted), uow);
  }

  /**
   * Inside the caller's write transaction: the run when it exists and is not deleted, else undefined; locked until the
   * transaction ends (PostgreSQL), so it cannot be deleted meanwhile.
   */
  async holdActive(tx: EntityManager, runId: string): Promise<RunEntity | undefined> {
    const run = await this.repo.lock(tx, runId.toLowerCase());
    return run && run.lifecycle === 'active' ? run : undefined;
  }

  /**
   * Inside the caller's write transaction: ends the run with `status` when it is still open (QUEUED or RUNNING) and
   * not deleted; a run that is gone, deleted or already ended is left as it is (undefined). Its event is published
   * after the commit. For a system owner ending its own run (an evaluation job), which must not fail on what a user
   * did to the run meanwhile; updateRun is the checked move for everyone else.
   */
  async endIfOpen(tx: UnitOfWork, runId: string, status: RunStatus.FINISHED | RunStatus.FAILED | RunStatus.KILLED): Promise<RunEntity | undefined> {
    const run = await this.holdActive(tx, runId);
    if (!run) return undefined;
    const move = planStatusMove(run.status, status, Date.now());
    if (move.kind !== 'move') return undefined;
    const patch: Partial<RunEntity> = { status, endTime: move.endTime };
    await this.repo.update(tx, run.id, patch);
    await this.repo.appendHistory(tx, { runId: run.id, change: 'STATUS_CHANGED', fromStatus: run.status, toStatus: status, actor: 'system', at: move.endTime ?? Date.now() });
    const ended = { ...run, ...patch } as RunEntity;
    this.publishAfterCommit(tx, 'STATUS_CHANGED', ended);
    return ended;
  }

  /**
   * Inside a metric batch's write transaction: the run, locked until the transaction ends (its batches commit in
   * sequence order). NOT_FOUND (named as the caller gave it) or FAILED_PRECONDITION when deleted.
   */
  async lockForLogging(tx: EntityManager, id: string, givenId: string): Promise<RunEntity> {
    const run = await this.repo.lock(tx, id);
    if (!run) throw notFound('Run', givenId);
    if (run.lifecycle === 'deleted') throw failedPrecondition(`run ${shortIdOf(run.id)} is deleted; restore it before logging`);
    return run;
  }

  /** Ends a metric batch on the run locked by lockForLogging: its last sequence and the distinct keys it added. */
  recordMetricBatch(tx: EntityManager, id: string, lastSequence: number, addedKeys: number): Promise<void> {
    return this.repo.advanceMetricCounters(tx, id, lastSequence, addedKeys);
  }

  /** The last metric sequence committed in the run (0 when none), or undefined for an unknown run. */
  committedSequence(id: string): Promise<number | undefined> {
    return this.repo.committedSequence(id);
  }

  /**
   * Sets or overwrites tags (the last value for a key in one call wins). With `uow` (then `runId` a full id) they
   * commit with the caller's other writes.
   */
  async setTags(runId: string, tags: readonly KeyValue[], uow?: UnitOfWork): Promise<RunEntity> {
    const id = uow ? runId.toLowerCase() : (await this.getRun(runId)).id;
    return this.db.write(async (tx) => {
      const run = await this.lockActive(tx, id);
      await this.repo.upsertTags(tx, lastWins(run.id, tags));
      return run;
    }, uow);
  }

  /** Deletes a tag of a run (NOT_FOUND when the run has no tag of that key). */
  async deleteTag(runId: string, key: string): Promise<RunEntity> {
    const target = await this.getRun(runId);
    return this.db.write(async (tx) => {
      const run = await this.lockActive(tx, target.id);
      if (!(await this.repo.deleteTag(tx, run.id, key))) throw notFound('Tag', key);
      return run;
    });
  }

  /** Run count and last activity of each experiment (DataLoader batch; unknown ids get 0 runs and null). */
  async activityByExperimentIds(ids: readonly string[]): Promise<{ runCount: number; lastActivity: number | null }[]> {
    const found = new Map((await this.repo.activityByExperimentIds(ids.filter(isUuid))).map((a) => [a.experimentId, a]));
    return ids.map((id) => found.get(id) ?? { runCount: 0, lastActivity: null });
  }

  /** The newest active run of each experiment, or null (DataLoader batch). */
  async latestRunByExperimentIds(ids: readonly string[]): Promise<(RunEntity | null)[]> {
    const found = new Map((await this.repo.latestByExperimentIds(ids.filter(isUuid))).map((r) => [r.experimentId, r]));
    return ids.map((id) => found.get(id) ?? null);
  }

  async paramsByRunIds(ids: readonly string[]): Promise<Map<string, KeyValue[]>> {
    return groupByRun(ids, await this.repo.paramsByRunIds(ids.filter(isUuid)));
  }

  async tagsByRunIds(ids: readonly string[]): Promise<Map<string, KeyValue[]>> {
    return groupByRun(ids, await this.repo.tagsByRunIds(ids.filter(isUuid)));
  }

  private async writeParams(tx: EntityManager, id: string, wanted: readonly KeyValue[]): Promise<RunEntity> {
    const run = await this.lockActive(tx, id);
    const existing = new Map(
      (
        await this.repo.findParams(
          tx,
          run.id,
          wanted.map((p) => p.key),
        )
      ).map((p) => [p.key, p.value]),
    );
    for (const p of wanted) {
      const prev = existing.get(p.key);
      if (prev !== undefined && prev !== p.value) throw paramConflict(p.key, prev, p.value);
    }
    await this.repo.insertParams(
      tx,
      wanted.filter((p) => !existing.has(p.key)).map((p) => ({ runId: run.id, ...p })),
    );
    return run;
  }

  private async lockActive(tx: EntityManager, id: string): Promise<RunEntity> {
    const run = await this.repo.lock(tx, id);
    if (!run) throw notFound('Run', id);
    if (run.lifecycle === 'deleted') throw failedPrecondition(`run ${shortIdOf(run.id)} is deleted; restore it first`);
    return run;
  }

  private async setLifecycle(id: string, lifecycle: RunEntity['lifecycle']): Promise<RunEntity> {
    const target = await this.getRun(id);
    return this.db.write(async (tx) => {
      const run = await this.repo.lock(tx, target.id);
      if (!run) throw notFound('Run', id);
      // Decided on the locked row, not on `target`: two concurrent deletes must announce one DELETED, not two.
      const changed = run.lifecycle !== lifecycle;
      if (changed) await this.repo.update(tx, run.id, { lifecycle });
      const updated = { ...run, lifecycle } as RunEntity;
      if (changed) this.publishAfterCommit(tx, lifecycle === 'deleted' ? 'DELETED' : 'RESTORED', updated);
      return updated;
    });
  }

  private publishAfterCommit(tx: UnitOfWork, change: RunChange, run: RunEntity): void {
    const event: RunUpdatedEvent = { change, run: toRunRecord(run) };
    tx.afterCommit(() => this.pubSub.publish(RUN_UPDATED, run.experimentId, event));
  }
}

function lastWins(runId: string, tags: readonly KeyValue[]): KeyValueRow[] {
  const m = new Map<string, string>();
  for (const t of tags) m.set(t.key, t.value);
  return [...m].map(([key, value]) => ({ runId, key, value }));
}

function groupByRun(ids: readonly string[], rows: KeyValueRow[]): Map<string, KeyValue[]> {
  const out = new Map<string, KeyValue[]>(ids.map((id) => [id, []]));
  for (const r of rows) out.get(r.runId)?.push({ key: r.key, value: r.value });
  return out;
}
