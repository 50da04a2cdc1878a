// Every TypeORM entity of the api, listed once (features append theirs here).
import { ExperimentEntity } from '../experiments/experiment.entity';
import { MetricPointEntity } from '../metrics/metric-point.entity';
import { MetricSummaryEntity } from '../metrics/metric-summary.entity';
import { RunParamEntity } from '../runs/run-param.entity';
import { RunTagEntity } from '../runs/run-tag.entity';
import { RunEntity } from '../runs/run.entity';

export const ENTITIES: Function[] = [
  ExperimentEntity,
  RunEntity,
  RunParamEntity,
  RunTagEntity,
  MetricPointEntity,
  MetricSummaryEntity,
];
