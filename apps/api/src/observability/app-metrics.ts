// Metrics read at scrape time from this app's database: evaluation jobs by status and the queue depth, and the
// PostgreSQL pool's connections. A failed read leaves the series out of that scrape rather than failing it.
import { Injectable } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { Database } from '../database/database';
import { EvaluationJobStatus } from '../evaluations/evaluation-job-status';
import { EvaluationJobsRepository } from '../evaluations/evaluation-jobs.repository';
import { processRegistry } from './metrics';
import { withTimeout } from './with-timeout';

interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

@Injectable()
export class AppMetrics {
  /** This app's gauges beside the process-wide registry: what GET /metrics serves. */
  readonly registry: Registry;
  private jobCounts?: Promise<Map<EvaluationJobStatus, number> | undefined>;

  constructor(
    private readonly db: Database,
    private readonly jobs: EvaluationJobsRepository,
  ) {
    const own = new Registry();
    const counts = () => (this.jobCounts ??= withTimeout(this.jobs.countByStatus(), 3000, 'job counts timed out').catch(() => undefined));
    const pgPool = () => this.pgPool();
    new Gauge({
      name: 'podium_evaluation_jobs',
      help: 'Evaluation jobs by status (read from the database at scrape time)',
      labelNames: ['status'] as const,
      registers: [own],
      async collect() {
        this.reset();
        const byStatus = await counts();
        if (byStatus) for (const status of Object.values(EvaluationJobStatus)) this.set({ status }, byStatus.get(status) ?? 0);
      },
    });
    new Gauge({
      name: 'podium_evaluation_queue_depth',
      help: 'Evaluation jobs waiting for a worker (QUEUED)',
      registers: [own],
      async collect() {
        this.reset();
        const byStatus = await counts();
        if (byStatus) this.set(byStatus.get(EvaluationJobStatus.QUEUED) ?? 0);
      },
    });
    new Gauge({
      name: 'podium_db_pool_connections',
      help: 'PostgreSQL pool connections: total, idle, and requests waiting for one (absent on SQLite)',
      labelNames: ['state'] as const,
      registers: [own],
      collect() {
        this.reset();
        const pool = pgPool();
        if (!pool) return;
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
    this.registry = Registry.merge([processRegistry, own]);
  }

  /** The exposition text of one scrape (one database read for the job gauges). */
  async scrape(): Promise<string> {
    try {
      return await this.registry.metrics();
    } finally {
      this.jobCounts = undefined;
    }
  }

  private pgPool(): PgPool | undefined {
    if (this.db.dialect !== 'postgres') return undefined;
    const pool = (this.db.writer.driver as unknown as { master?: PgPool }).master;
    return pool && typeof pool.totalCount === 'number' ? pool : undefined;
  }
}
