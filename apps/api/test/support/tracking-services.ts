// The tracking services (experiments, runs, metrics) over one database, wired as the app wires them, for the medium
// specs that drive a service without the app.
import type { AppConfig } from '../../src/config/app-config';
import type { Database } from '../../src/database/database';
import { ExperimentsRepository } from '../../src/experiments/experiments.repository';
import { ExperimentsService } from '../../src/experiments/experiments.service';
import { createPodiumPubSub } from '../../src/graphql/pubsub';
import { MetricsRepository } from '../../src/metrics/metrics.repository';
import { MetricsService } from '../../src/metrics/metrics.service';
import { RunsRepository } from '../../src/runs/runs.repository';
import { RunsService } from '../../src/runs/runs.service';

export type MetricsConfig = Pick<AppConfig, 'maxMetricKeysPerRun' | 'metricIdempotencyTtlSeconds'>;

export function trackingServices(db: Database, config: Partial<MetricsConfig> = {}) {
  const pubSub = createPodiumPubSub();
  const experiments = new ExperimentsService(db, new ExperimentsRepository(db));
  const runs = new RunsService(db, new RunsRepository(db), experiments, pubSub);
  const metricsRepo = new MetricsRepository(db);
  const metricsConfig: MetricsConfig = { maxMetricKeysPerRun: 10_000, metricIdempotencyTtlSeconds: 86_400, ...config };
  const metrics = new MetricsService(db, metricsRepo, runs, pubSub, metricsConfig);
  return { pubSub, experiments, runs, metricsRepo, metricsConfig, metrics };
}
