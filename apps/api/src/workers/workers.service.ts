// Worker registration (upsert by name) and liveness.
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { notFound } from '../common/app-error';
import { offsetPage, type Page } from '../common/pagination';
import { Database } from '../database/database';
import { isUniqueViolation } from '../database/unique-violation';
import type { RegisterWorkerInput } from './dto/register-worker.input';
import { WorkerEntity } from './worker.entity';
import { WorkersRepository } from './workers.repository';

@Injectable()
export class WorkersService {
  constructor(
    private readonly db: Database,
    private readonly repo: WorkersRepository,
  ) {}

  async register(input: RegisterWorkerInput, actor: string): Promise<WorkerEntity> {
    const attempt = () =>
      this.db.write(async (tx) => {
        const now = Date.now();
        const existing = await this.repo.findByName(tx, input.name);
        const row = Object.assign(existing ?? new WorkerEntity(), {
          id: existing?.id ?? randomUUID(),
          name: input.name,
          executionProviders: [...new Set(input.executionProviders.map((p) => p.toUpperCase()))],
          gpuName: input.gpuName ?? null,
          gpuMemoryMb: input.gpuMemoryMb ?? null,
          cpuCores: input.cpuCores,
          cpuModel: input.cpuModel ?? null,
          version: input.version ?? null,
          createdBy: existing?.createdBy ?? actor,
          createdAt: existing?.createdAt ?? now,
          lastHeartbeatAt: now,
        });
        await this.repo.save(tx, row);
        return row;
      });
    try {
      return await attempt();
    } catch (e) {
      // Two first registrations of one name raced on PostgreSQL: the second now finds the row and updates it.
      if (isUniqueViolation(e)) return attempt();
      throw e;
    }
  }

  /** Inside a protocol transaction: the worker must exist; its heartbeat time moves to `at`. Returns the worker. */
  async touch(tx: EntityManager, workerId: string, at: number): Promise<WorkerEntity> {
    const [worker] = await this.repo.findByIds([workerId], tx);
    if (!worker) throw notFound('Worker', workerId);
    await this.repo.touch(tx, workerId, at);
    return worker;
  }

  /** Whether a worker that can run `provider` has been seen within `withinMs` of `now`. */
  anyLiveWithProvider(tx: EntityManager, provider: string, now: number, withinMs = 120_000): Promise<boolean> {
    return this.repo.anyLiveWithProvider(tx, provider, now - withinMs);
  }

  async byIds(ids: readonly string[]): Promise<(WorkerEntity | null)[]> {
    const rows = await this.repo.findByIds(ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  list(first?: number | null, after?: string | null): Promise<Page<WorkerEntity>> {
    return offsetPage(first, after, (offset, limit) => this.repo.findPage(offset, limit));
  }
}
