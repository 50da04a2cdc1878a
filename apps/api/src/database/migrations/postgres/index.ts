// PostgreSQL migrations, in order (features append theirs; generated files are committed and never edited after landing).
import { TrackingCore1795683300000 } from './1795683300000-TrackingCore';
import { Artifacts1795690000000 } from './1795690000000-Artifacts';
import { ApiTokens1795683400000 } from './1795683400000-ApiTokens';
import { Registry1795686600000 } from './1795686600000-Registry';
import { DatasetsEvaluations1795685000000 } from './1795685000000-DatasetsEvaluations';
import { WorkerBinding1795700100000 } from './1795700100000-WorkerBinding';
import { ArtifactBlobs1795700000000 } from './1795700000000-ArtifactBlobs';
import { MetricKeyLimits1795700200000 } from './1795700200000-MetricKeyLimits';
import { MlflowTracking1795700400000 } from './1795700400000-MlflowTracking';

export const POSTGRES_MIGRATIONS: Function[] = [
  TrackingCore1795683300000,
  Artifacts1795690000000,
  ApiTokens1795683400000,
  Registry1795686600000,
  DatasetsEvaluations1795685000000,
  WorkerBinding1795700100000,
  ArtifactBlobs1795700000000,
  MetricKeyLimits1795700200000,
  MlflowTracking1795700400000,
];
