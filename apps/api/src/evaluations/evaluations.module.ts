import { ArtifactsModule } from '../artifacts/artifacts.module';
import { DatasetsModule } from '../datasets/datasets.module';
import { ExperimentsModule } from '../experiments/experiments.module';
import { MetricsModule } from '../metrics/metrics.module';
import { RegistryModule } from '../registry/registry.module';
import { RunsModule } from '../runs/runs.module';
import { WorkersModule } from '../workers/workers.module';
import { ContinuousEvaluationListener } from './continuous-evaluation.listener';
import { EvaluationJobsRepository } from './evaluation-jobs.repository';
import { EvaluationJobsService } from './evaluation-jobs.service';
import { EvaluationRunWriter } from './evaluation-run.writer';
import { EvaluationsResolver } from './evaluations.resolver';
import { JobClaimService } from './job-claim.service';
import { JobFilesController } from './job-files.controller';
import { JobLeaseService } from './job-lease.service';
import { JobProtocolResolver } from './job-protocol.resolver';
import { JobTransitions } from './job-transitions';
import { JobUpdateStream } from './job-update-stream';
import { LeaseSweeper } from './lease-sweeper';
import { ModelSourceLookup } from './model-source';
import { WorkerAdminResolver } from './worker-admin.resolver';
import { WorkerAdminService } from './worker-admin.service';
import { FeatureModule } from '../core/feature-module';
import { EvaluationJobEntity } from './evaluation-job.entity';

@FeatureModule({
  resolvers: [EvaluationsResolver, JobProtocolResolver, WorkerAdminResolver],
  entities: [EvaluationJobEntity],
  imports: [ArtifactsModule, DatasetsModule, ExperimentsModule, MetricsModule, RegistryModule, RunsModule, WorkersModule],
  controllers: [JobFilesController],
  providers: [
    EvaluationJobsRepository,
    EvaluationJobsService,
    EvaluationRunWriter,
    ModelSourceLookup,
    JobTransitions,
    JobLeaseService,
    JobClaimService,
    WorkerAdminService,
    ContinuousEvaluationListener,
    LeaseSweeper,
    JobUpdateStream,
  ],
  exports: [EvaluationJobsService, JobLeaseService, EvaluationJobsRepository],
})
export class EvaluationsModule {}
