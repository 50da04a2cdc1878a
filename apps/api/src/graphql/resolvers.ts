// Every type-graphql resolver class, listed once (features append theirs; each is also a provider of its Nest module).
import { HealthResolver } from '../health/health.resolver';
import { RunMetricsResolver } from '../metrics/run-metrics.resolver';
import { MetricsResolver } from '../metrics/metrics.resolver';
import { RunFieldsResolver } from '../runs/run-fields.resolver';
import { ExperimentRunsResolver } from '../runs/experiment-runs.resolver';
import { SearchRunsResolver } from '../runs/search/search-runs.resolver';
import { ArtifactsResolver } from '../artifacts/artifacts.resolver';
import { RunsResolver } from '../runs/runs.resolver';
import { ExperimentsResolver } from '../experiments/experiments.resolver';
import { DatasetsResolver } from '../datasets/datasets.resolver';
import { WorkersResolver } from '../workers/workers.resolver';
import { REGISTRY_RESOLVERS } from '../registry/registry.module';
import { ApiTokenResolver } from '../auth/api-token.resolver';
import { ViewerResolver } from '../auth/viewer.resolver';
import { EvaluationsResolver } from '../evaluations/evaluations.resolver';
import { JobProtocolResolver } from '../evaluations/job-protocol.resolver';
import { WorkerAdminResolver } from '../evaluations/worker-admin.resolver';

export const RESOLVERS: Function[] = [HealthResolver, ExperimentsResolver, RunsResolver, RunFieldsResolver, ExperimentRunsResolver, SearchRunsResolver, ArtifactsResolver, DatasetsResolver, WorkersResolver, ...REGISTRY_RESOLVERS, ApiTokenResolver, ViewerResolver, MetricsResolver, RunMetricsResolver, EvaluationsResolver, JobProtocolResolver, WorkerAdminResolver];
