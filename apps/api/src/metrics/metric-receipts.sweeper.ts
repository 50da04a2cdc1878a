// Forgets the receipts of idempotent logMetrics batches once they are older than the retention time
// (PODIUM_METRIC_IDEMPOTENCY_TTL_SECONDS): a retry after that stores its batch again. Reads never trust an expired
// receipt, so the sweep only bounds the table; it deletes in small transactions so ingest is not held up.
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../core/core.module';
import { Database } from '../database/database';
import { MetricsRepository } from './metrics.repository';

const DELETE_CHUNK = 1000;

@Injectable()
export class MetricReceiptsSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly repo: MetricsRepository,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'metricIdempotencyTtlSeconds'>,
  ) {}

  onApplicationBootstrap(): void {
    // A quarter of the retention time, between 1 s and 10 min: an expired receipt lingers at most that long.
    const every = Math.min(600_000, Math.max(1000, (this.config.metricIdempotencyTtlSeconds * 1000) / 4));
    this.timer = setInterval(() => {
      this.running = this.prune().catch((e: Error) => this.logger.error(`receipt sweep failed: ${e.message}`, e.stack));
    }, every);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Deletes every receipt older than the retention time at `now`; returns how many. */
  async prune(now = Date.now()): Promise<number> {
    const before = now - this.config.metricIdempotencyTtlSeconds * 1000;
    let total = 0;
    for (;;) {
      const n = await this.db.write((tx) => this.repo.deleteExpiredReceipts(tx, before, DELETE_CHUNK));
      total += n;
      if (n < DELETE_CHUNK) return total;
    }
  }
}
