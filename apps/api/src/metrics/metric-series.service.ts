// The metricSeries query: a run's series downsampled by the database, with the committed sequence they cover, so a
// page draws them at once and follows live from that sequence (metricBatchLogged) with no gap and no duplicate.
import { Injectable } from '@nestjs/common';
import { badInput } from '../common/app-error';
import { RunsService } from '../runs/runs.service';
import { canonicalMetricKey, MAX_KEYS_PER_READ, MAX_METRIC_KEY_LENGTH } from './metric-keys';
import { assembleSeries, DEFAULT_SERIES_POINTS, type DownsampledSeries, MAX_SERIES_POINTS, MIN_SERIES_POINTS, planBuckets } from './metric-series';
import { MetricSeriesRepository } from './metric-series.repository';

export interface RunSeries {
  runId: string;
  /** The run's committed sequence when read: the series hold every point up to it, none after. */
  lastSequence: number;
  series: DownsampledSeries[];
}

@Injectable()
export class MetricSeriesService {
  constructor(
    private readonly repo: MetricSeriesRepository,
    private readonly runs: RunsService,
  ) {}

  /**
   * The keys' series (aliases accepted; one per distinct canonical key, in the order asked), each at most `maxPoints`
   * points; null when no run matches `runId` (full id or short prefix).
   */
  async series(runId: string, keys: readonly string[], maxPoints?: number | null): Promise<RunSeries | null> {
    const max = maxPoints ?? DEFAULT_SERIES_POINTS;
    if (!Number.isInteger(max) || max < MIN_SERIES_POINTS || max > MAX_SERIES_POINTS)
      throw badInput(`maxPoints must be an integer between ${MIN_SERIES_POINTS} and ${MAX_SERIES_POINTS}, got ${maxPoints}`);
    if (keys.length === 0 || keys.length > MAX_KEYS_PER_READ) throw badInput(`keys: between 1 and ${MAX_KEYS_PER_READ} metric keys a call, got ${keys.length}`);
    if (keys.some((k) => k.length > MAX_METRIC_KEY_LENGTH)) throw badInput(`keys: a metric key has at most ${MAX_METRIC_KEY_LENGTH} characters`);
    const canonical = [...new Set(keys.map(canonicalMetricKey))];
    const run = await this.runs.findRun(runId);
    if (!run) return null;
    const at = await this.repo.statsAt(run.id, canonical);
    if (!at) return null;
    const specs = planBuckets(at.stats, max);
    const asked = at.stats.reduce((n, s) => n + s.count, 0);
    // The run's committed sequence is its point count: scan its points when these keys hold half of them or more.
    const rows = await this.repo.bucketPoints(run.id, at.head, specs, asked * 2 >= at.head);
    return { runId: run.id, lastSequence: at.head, series: assembleSeries(canonical, at.stats, specs, rows) };
  }
}
