// Experiments: create, read, rename/describe/tag, soft delete and restore.
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Identity } from '../auth/roles';
import { badInput, conflict, notFound } from '../common/app-error';
import { keysetPage, type Page } from '../common/pagination';
import { isUuid } from '../common/uuid';
import { Database } from '../database/database';
import { type ExperimentEntity, type KeyValue } from './experiment.entity';
import { isUniqueViolation } from '../database/unique-violation';
import { ExperimentsRepository } from './experiments.repository';

export interface CreateExperimentData {
  name: string;
  description?: string | null;
  tags?: KeyValue[] | null;
}

export interface UpdateExperimentData {
  id: string;
  name?: string | null;
  description?: string | null;
  tags?: KeyValue[] | null;
}

function uniqueTags(tags: KeyValue[] | null | undefined): KeyValue[] {
  const seen = new Map<string, string>();
  for (const t of tags ?? []) seen.set(t.key, t.value);
  return [...seen].map(([key, value]) => ({ key, value }));
}

@Injectable()
export class ExperimentsService {
  constructor(
    private readonly db: Database,
    private readonly repo: ExperimentsRepository,
  ) {}

  async create(input: CreateExperimentData, actor: Identity): Promise<ExperimentEntity> {
    const name = input.name.trim();
    if (!name) throw badInput('name must not be blank');
    const e = {
      id: randomUUID(),
      name,
      description: input.description ?? null,
      tags: uniqueTags(input.tags),
      lifecycle: 'active',
      createdBy: actor.name,
    } as ExperimentEntity;
    try {
      await this.db.write(async (tx) => {
        if (await this.repo.findByName(name, tx)) throw nameTaken(name);
        await this.repo.insert(tx, e);
      });
    } catch (err) {
      throw isUniqueViolation(err) ? nameTaken(name) : err;
    }
    return this.get(e.id);
  }

  /** By id, or by name when `idOrName` is not a uuid. Deleted experiments are returned (with `lifecycle = deleted`). */
  async get(idOrName: string): Promise<ExperimentEntity> {
    const found = isUuid(idOrName) ? (await this.repo.findByIds([idOrName]))[0] : await this.repo.findByName(idOrName);
    if (!found) throw notFound('Experiment', idOrName);
    return found;
  }

  /** `experiment(id | name)`: exactly one of the two (NOT_FOUND when none matches). */
  async getByRef(ref: { id?: string | null; name?: string | null }): Promise<ExperimentEntity> {
    const found = await this.findByRef(ref);
    if (!found) throw notFound('Experiment', (ref.id ?? ref.name)!);
    return found;
  }

  /** `experiment(id | name)`: exactly one of the two; null when none matches. */
  async findByRef(ref: { id?: string | null; name?: string | null }): Promise<ExperimentEntity | null> {
    if ((ref.id == null) === (ref.name == null)) throw badInput('experiment: give exactly one of id and name');
    // A name is looked up as a name even when it reads like a uuid (get() would take it for an id).
    const found = ref.id != null ? (isUuid(ref.id) ? (await this.repo.findByIds([ref.id]))[0] : undefined) : await this.repo.findByName(ref.name!);
    return found ?? null;
  }

  findByIds(ids: readonly string[]): Promise<ExperimentEntity[]> {
    return this.repo.findByIds(ids.filter(isUuid));
  }

  /**
   * Inside a write transaction: the experiment (undefined when unknown), held so that it cannot be deleted or restored
   * before the transaction ends (createRun checks its lifecycle on it).
   */
  async hold(tx: EntityManager, id: string): Promise<ExperimentEntity | undefined> {
    return isUuid(id) ? ((await this.repo.lockShared(tx, id)) ?? undefined) : undefined;
  }

  list(args: { first?: number | null; after?: string | null; includeDeleted?: boolean; search?: string | null }): Promise<Page<ExperimentEntity>> {
    return keysetPage(
      args.first,
      args.after,
      (after, limit) => this.repo.page(after, limit, args.includeDeleted ?? false, args.search),
      (e) => ({ key: e.createdAt.getTime(), id: e.id }),
    );
  }

  async update(input: UpdateExperimentData): Promise<ExperimentEntity> {
    const name = input.name?.trim();
    if (input.name != null && !name) throw badInput('name must not be blank');
    try {
      await this.db.write(async (tx) => {
        const [e] = await this.repo.findByIds([input.id], tx);
        if (!e) throw notFound('Experiment', input.id);
        if (name && name !== e.name) {
          if (await this.repo.findByName(name, tx)) throw nameTaken(name);
          e.name = name;
        }
        if (input.description !== undefined) e.description = input.description;
        if (input.tags != null) e.tags = uniqueTags(input.tags);
        await this.repo.save(tx, e);
      });
    } catch (err) {
      throw isUniqueViolation(err) && name ? nameTaken(name) : err;
    }
    return this.get(input.id);
  }

  softDelete(id: string): Promise<ExperimentEntity> {
    return this.setLifecycle(id, 'deleted');
  }

  restore(id: string): Promise<ExperimentEntity> {
    return this.setLifecycle(id, 'active');
  }

  private async setLifecycle(id: string, lifecycle: ExperimentEntity['lifecycle']): Promise<ExperimentEntity> {
    if (!isUuid(id)) throw notFound('Experiment', id);
    await this.db.write(async (tx) => {
      const [e] = await this.repo.findByIds([id], tx);
      if (!e) throw notFound('Experiment', id);
      e.lifecycle = lifecycle;
      await this.repo.save(tx, e);
    });
    return this.get(id);
  }
}

const nameTaken = (name: string) => conflict(`an experiment named "${name}" already exists`, { name });
