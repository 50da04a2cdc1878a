// Every `leaseSweepSeconds`: re-queues expired leases (a worker that died stops heartbeating; its job goes back) and
// repairs what a crash can leave behind: the result files (result.json, pr_curve.json) of a SUCCEEDED job, written
// after the job and its evaluation run committed together, and runs still RUNNING from before that single commit.
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../core/core.module';
import { JobLeaseService } from './job-lease.service';
import { leaseExpiries } from '../observability/metrics';

@Injectable()
export class LeaseSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Evaluations');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private lastRepair = 0;

  constructor(
    private readonly lease: JobLeaseService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running = this.lease
        .requeueExpiredLeases()
        .then((requeued) => {
          leaseExpiries.inc(requeued.length);
          // Runs left open are rare (an api restart mid-completion): look for them once a minute.
          if (Date.now() - this.lastRepair < 60_000) return;
          this.lastRepair = Date.now();
          return this.lease.repairOpenRuns();
        })
        .catch((e: Error) => this.logger.error(`lease sweep failed: ${e.message}`, e.stack));
    }, this.config.leaseSweepSeconds * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
