// MLflow's run reads over Podium's: runs/get, runs/search (Podium's search compiler: MLflow's filter language, plus
// OR and parentheses), metrics/get-history. Metrics come back under the keys the MLflow client logged them with
// (`metrics/mAP50B`), while GraphQL shows the canonical key (`map50`); searching either name works (the compiler maps
// aliases to canonical keys).
import { Injectable } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import type { RunEntity } from '../runs/run.entity';
import { RunsService } from '../runs/runs.service';
import type { RunLifecycleView } from '../runs/search/filter-compiler';
import { SearchRunsService } from '../runs/search/search-runs.service';
import { DEFAULT_EXPERIMENT_ID, MlflowExperimentsService, viewTypeOf } from './mlflow-experiments.service';
import type { MlflowParams } from './mlflow-params';
import { invalidValue } from './mlflow-params';
import { requireRunId } from './mlflow-runs.service';
import { type MlflowMetric, type MlflowRun, toMlflowMetric, toMlflowRun } from './mlflow.mapper';
import { MlflowRepository } from './mlflow.repository';

/** runs/search: MLflow's limit on max_results, its default, and the most one answer here carries (then a page token). */
const MAX_SEARCH_RESULTS = 50_000;
const DEFAULT_SEARCH_RESULTS = 1000;
const MAX_RUNS_PER_ANSWER = 1000;
/**
 * A runs/search page token is searchRuns' keyset cursor: the last run's sort values, up to 10 order terms of param or
 * tag values (up to 8,000 characters each), base64url of JSON.
 */
const MAX_SEARCH_PAGE_TOKEN = 1_000_000;
/** Podium's searchRuns page size. */
const SEARCH_PAGE = 100;
/** metrics/get-history: MLflow's client asks for 25,000 points a page. */
const MAX_HISTORY_RESULTS = 25_000;
const HISTORY_PAGE = 1000;
/** Metric keys of each run a run read returns (MLflow returns all; a run here may have 10,000). */
export const MAX_METRICS_PER_RUN = 1000;

const LIFECYCLE_OF: Record<string, RunLifecycleView> = { ACTIVE_ONLY: 'active', DELETED_ONLY: 'deleted', ALL: 'all' };

@Injectable()
export class MlflowRunReads {
  constructor(
    private readonly runs: RunsService,
    private readonly metrics: MetricsService,
    private readonly search: SearchRunsService,
    private readonly repo: MlflowRepository,
    private readonly experiments: MlflowExperimentsService,
  ) {}

  async get(p: MlflowParams): Promise<object> {
    const run = await this.runs.getRun(requireRunId(p.runId()));
    return { run: (await this.runsOut([run]))[0] };
  }

  async searchRuns(p: MlflowParams): Promise<object> {
    const given = p.strings('experiment_ids', 100, 64);
    const lifecycle = LIFECYCLE_OF[viewTypeOf(p, 'run_view_type')];
    const max = p.int64('max_results') ?? DEFAULT_SEARCH_RESULTS;
    if (max < 1 || max > MAX_SEARCH_RESULTS) throw invalidValue('max_results', max, `must be between 1 and ${MAX_SEARCH_RESULTS}`);
    const filter = p.string('filter', 10_000);
    const orderBy = p.strings('order_by', 10, 1000);
    let after = p.string('page_token', MAX_SEARCH_PAGE_TOKEN) || null;
    const experimentIds = await this.experimentIds(given);
    if (experimentIds.length === 0) return { runs: [] };
    const want = Math.min(max, MAX_RUNS_PER_ANSWER);
    const found: RunEntity[] = [];
    let more = true;
    while (more && found.length < want) {
      const page = await this.search.searchRuns({ experimentIds, filter, orderBy, lifecycle, first: Math.min(SEARCH_PAGE, want - found.length), after });
      found.push(...page.nodes);
      more = page.pageInfo.hasNextPage;
      after = page.pageInfo.endCursor;
    }
    const runs = await this.runsOut(found);
    return more && after ? { runs, next_page_token: after } : { runs };
  }

  /** One metric's points in (step, sequence) order, under the key as asked (an alias or the canonical key). */
  async history(p: MlflowParams): Promise<object> {
    const id = requireRunId(p.runId());
    const key = p.requiredString('metric_key', 250);
    const max = Math.min(p.int64('max_results') ?? MAX_HISTORY_RESULTS, MAX_HISTORY_RESULTS);
    if (max < 1) throw invalidValue('max_results', max, 'must be positive');
    let after = p.string('page_token', 1000) || null;
    const metrics: MlflowMetric[] = [];
    let more = true;
    while (more && metrics.length < max) {
      const page = await this.metrics.history(id, key, Math.min(HISTORY_PAGE, max - metrics.length), after);
      for (const point of page.nodes) metrics.push(toMlflowMetric(key, point.value, point.timestamp, point.step));
      more = page.hasNextPage;
      after = page.endCursor;
    }
    return more && after ? { metrics, next_page_token: after } : { metrics };
  }

  /** Runs as MLflow entities: params, tags, dataset inputs and the latest value of each metric (at most 1,000 keys). */
  async runsOut(runs: readonly RunEntity[]): Promise<MlflowRun[]> {
    const ids = runs.map((r) => r.id);
    const [params, tags, summaries, logged, inputs] = await Promise.all([
      this.runs.paramsByRunIds(ids),
      this.runs.tagsByRunIds(ids),
      this.metrics.summaryPages(ids, { first: MAX_METRICS_PER_RUN }),
      this.repo.loggedKeysByRunIds(ids),
      this.repo.inputsByRunIds(ids),
    ]);
    // Per run: canonical key → the keys its MLflow client logged it under.
    const names = new Map<string, Map<string, string[]>>();
    for (const k of logged) {
      const byCanonical = names.get(k.runId) ?? new Map<string, string[]>();
      byCanonical.set(k.canonicalKey, [...(byCanonical.get(k.canonicalKey) ?? []), k.loggedKey]);
      names.set(k.runId, byCanonical);
    }
    return runs.map((run) => {
      const metrics: MlflowMetric[] = [];
      for (const s of summaries.get(run.id) ?? []) {
        for (const key of names.get(run.id)?.get(s.key) ?? [s.key]) metrics.push(toMlflowMetric(key, s.last, s.lastTimestamp, s.lastStep));
      }
      return toMlflowRun(run, { tags: tags.get(run.id) ?? [], params: params.get(run.id) ?? [], metrics, inputs: inputs.filter((i) => i.runId === run.id) });
    });
  }

  /** The Podium ids of a search's experiment_ids ("0" is the default experiment; it has no runs until created). */
  private async experimentIds(given: readonly string[]): Promise<string[]> {
    if (!given.includes(DEFAULT_EXPERIMENT_ID)) return [...given];
    const fallback = await this.experiments.findDefault();
    return given.flatMap((id) => (id !== DEFAULT_EXPERIMENT_ID ? [id] : fallback ? [fallback.id] : []));
  }
}
