// Every TypeORM entity of the api, listed once (features append theirs here).
import { ArtifactEntity } from '../artifacts/artifact.entity';
import { ExperimentEntity } from '../experiments/experiment.entity';
import { MetricPointEntity } from '../metrics/metric-point.entity';
import { MetricSummaryEntity } from '../metrics/metric-summary.entity';
import { MetricBatchReceiptEntity } from '../metrics/metric-batch-receipt.entity';
import { RunParamEntity } from '../runs/run-param.entity';
import { RunTagEntity } from '../runs/run-tag.entity';
import { RunEntity } from '../runs/run.entity';
import { RunHistoryEntity } from '../runs/run-history.entity';
import { MlflowMetricKeyEntity } from '../mlflow/mlflow-metric-key.entity';
import { MlflowRunInputEntity } from '../mlflow/mlflow-run-input.entity';

import { ModelAliasEntity } from '../registry/model-alias.entity';
import { ModelVersionEntity } from '../registry/model-version.entity';
import { RegisteredModelEntity } from '../registry/registered-model.entity';
import { StageTransitionEntity } from '../registry/stage-transition.entity';
import { DatasetEntity } from '../datasets/dataset.entity';
import { EvaluationJobEntity } from '../evaluations/evaluation-job.entity';
import { WorkerEntity } from '../workers/worker.entity';
import { ApiTokenEntity } from '../auth/api-token.entity';

export const ENTITIES: Function[] = [
  ExperimentEntity,
  RunEntity,
  RunParamEntity,
  RunTagEntity,
  MetricPointEntity,
  MetricSummaryEntity,
  MetricBatchReceiptEntity,
  ArtifactEntity,
  RegisteredModelEntity,
  ModelVersionEntity,
  ModelAliasEntity,
  StageTransitionEntity,
  DatasetEntity,
  WorkerEntity,
  EvaluationJobEntity,
  ApiTokenEntity,
  RunHistoryEntity,
  MlflowMetricKeyEntity,
  MlflowRunInputEntity,
];
