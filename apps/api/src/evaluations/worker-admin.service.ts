// An ADMIN drains, removes or resumes a worker. It lives with the evaluation jobs because removing a worker hands its
// running jobs back to the queue in the transaction that removes it (workers/ knows nothing of jobs).
import { Injectable, Logger } from '@nestjs/common';
import type { Identity } from '../auth/roles';
import { Database } from '../database/database';
import type { WorkerEntity } from '../workers/worker.entity';
import { WorkerState } from '../workers/worker-rules';
import { WorkersService } from '../workers/workers.service';
import type { EvaluationJobEntity } from './evaluation-job.entity';
import { JobLeaseService } from './job-lease.service';

@Injectable()
export class WorkerAdminService {
  private readonly logger = new Logger('Workers');

  constructor(
    private readonly db: Database,
    private readonly workers: WorkersService,
    private readonly lease: JobLeaseService,
  ) {}

  /** The worker finishes its running job and claims no new one (its claims get WORKER_DRAINING) until resumed. */
  async drain(id: string, reason: string | null, actor: Identity): Promise<WorkerEntity> {
    const worker = await this.db.write((tx) => this.workers.changeState(tx, id, WorkerState.DRAINING, { by: actor.name, reason }, Date.now()));
    this.logger.log(`worker ${worker.name} is ${worker.state} (by ${actor.name})`);
    return worker;
  }

  /** The worker can no longer claim or report; its RUNNING jobs go back to the queue in the same transaction. */
  async remove(id: string, reason: string | null, actor: Identity): Promise<{ worker: WorkerEntity; handedBack: EvaluationJobEntity[] }> {
    const at = Date.now();
    const { worker, jobs } = await this.db.write(async (tx) => {
      const worker = await this.workers.changeState(tx, id, WorkerState.REMOVED, { by: actor.name, reason }, at);
      return { worker, jobs: await this.lease.handBackJobsOf(tx, worker, actor, at) };
    });
    this.logger.log(`worker ${worker.name} removed by ${actor.name}${jobs.length ? `; handed back ${jobs.map((j) => j.id.slice(0, 8)).join(', ')}` : ''}`);
    return { worker, handedBack: jobs };
  }

  /** A drained or removed worker claims and reports again. */
  async resume(id: string, actor: Identity): Promise<WorkerEntity> {
    const worker = await this.db.write((tx) => this.workers.changeState(tx, id, WorkerState.ACTIVE, { by: actor.name, reason: null }, Date.now()));
    this.logger.log(`worker ${worker.name} is ${worker.state} (by ${actor.name})`);
    return worker;
  }
}
