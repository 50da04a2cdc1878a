// MLflow's run writes over Podium's services (an MLflow run is a Podium TRAINING run, same id): create, update (with
// MLflow's resume of an ended run), delete/restore, tags, params, metrics and dataset inputs. A log-batch writes its
// params, tags and metrics in one transaction (all or nothing) through the same ingest as logMetrics; the keys an
// MLflow client logged under an alias of a canonical key are remembered, so its reads give them back as logged.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Identity } from '../auth/roles';
import { badInput, notFound } from '../common/app-error';
import { isUuid } from '../common/uuid';
import { Database } from '../database/database';
import type { KeyValue } from '../experiments/experiment.entity';
import type { MetricPointInput } from '../metrics/metric-batch';
import { canonicalMetricKey } from '../metrics/metric-keys';
import { MetricsService } from '../metrics/metrics.service';
import { RunKind } from '../runs/run-kind';
import { RunsService } from '../runs/runs.service';
import { MLFLOW_LIMITS, readDatasetInput, readMetric, readParam, readTag } from './mlflow-batch';
import { DEFAULT_EXPERIMENT_ID, MlflowExperimentsService } from './mlflow-experiments.service';
import type { MlflowParams } from './mlflow-params';
import { invalidValue } from './mlflow-params';
import { type MlflowRunStatus, podiumStatusOf, RUN_NAME_TAG, toMlflowRun, toRunInfo, USER_TAG } from './mlflow.mapper';
import { MlflowRepository } from './mlflow.repository';

const STATUSES: readonly MlflowRunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];
const STATUS_NUMBERS: Record<number, MlflowRunStatus> = { 1: 'RUNNING', 2: 'SCHEDULED', 3: 'FINISHED', 4: 'FAILED', 5: 'KILLED' };
/** Logged keys remembered as recorded (run, key), so a run's batches do not write them again; bounded. */
const KNOWN_KEYS_LIMIT = 100_000;

/** MLflow run ids are Podium's full ids (no short prefixes: an MLflow client never sends one). */
export function requireRunId(id: string): string {
  if (!isUuid(id)) throw notFound('Run', id);
  return id.toLowerCase();
}

export interface LogBatchData {
  metrics: MetricPointInput[];
  params: KeyValue[];
  tags: KeyValue[];
}

@Injectable()
export class MlflowRunsService {
  private readonly knownKeys = new Set<string>();

  constructor(
    private readonly db: Database,
    private readonly runs: RunsService,
    private readonly metrics: MetricsService,
    private readonly repo: MlflowRepository,
    private readonly experiments: MlflowExperimentsService,
  ) {}

  async create(p: MlflowParams, caller: Identity): Promise<object> {
    const given = p.string('experiment_id', 64) || DEFAULT_EXPERIMENT_ID;
    const startTime = p.int64('start_time');
    if (startTime !== undefined && startTime < 0) throw invalidValue('start_time', startTime, 'expected epoch milliseconds');
    const runName = p.string('run_name', 256) || undefined;
    const userId = p.string('user_id', 256) || undefined;
    const tags = p.objects('tags', MLFLOW_LIMITS.tagsPerBatch).map((t, i) => readTag(t, `tags[${i}]`));
    const nameTag = tags.filter((t) => t.key === RUN_NAME_TAG).pop()?.value;
    if (runName && nameTag !== undefined && nameTag !== runName) {
      throw badInput(`Both 'run_name' argument and '${RUN_NAME_TAG}' tag are specified, but with different values (run_name='${runName}', ${RUN_NAME_TAG}='${nameTag}').`);
    }
    const stored = tags.filter((t) => t.key !== RUN_NAME_TAG);
    // The MLflow user as its client names it; the caller's identity is recorded as the run's creator.
    if (userId && !stored.some((t) => t.key === USER_TAG)) stored.push({ key: USER_TAG, value: userId });
    const experimentId = given === DEFAULT_EXPERIMENT_ID ? await this.experiments.defaultExperimentId(caller) : (await this.experiments.byId(given)).id;
    const run = await this.runs.createRun({ experimentId, name: runName || nameTag || null, kind: RunKind.TRAINING, tags: stored, startTime }, caller);
    return { run: toMlflowRun(run, { tags: stored, params: [], metrics: [], inputs: [] }) };
  }

  /** runs/update: status (an ended run back to RUNNING resumes it), end_time, run_name. */
  async update(p: MlflowParams, caller: Identity): Promise<object> {
    const id = requireRunId(p.runId());
    const status = p.enumOf('status', STATUSES, STATUS_NUMBERS);
    const endTime = p.int64('end_time');
    const name = p.string('run_name', 256) || undefined;
    const run = await this.runs.updateRun({ id, status: status && podiumStatusOf(status), endTime, name }, caller, { allowResume: true });
    const tags = (await this.runs.tagsByRunIds([run.id])).get(run.id) ?? [];
    return { run_info: toRunInfo(run, tags) };
  }

  async remove(p: MlflowParams): Promise<object> {
    await this.runs.deleteRun(requireRunId(p.runId()));
    return {};
  }

  async restore(p: MlflowParams): Promise<object> {
    await this.runs.restoreRun(requireRunId(p.runId()));
    return {};
  }

  /** runs/set-tag: `mlflow.runName` renames the run. */
  async setTag(p: MlflowParams, caller: Identity): Promise<object> {
    const tag = readTag({ key: p.string('key', 250), value: p.string('value', MLFLOW_LIMITS.tagValueLength) }, 'tag');
    await this.logBatch(requireRunId(p.runId()), { metrics: [], params: [], tags: [tag] }, caller);
    return {};
  }

  /** runs/delete-tag; `mlflow.runName` is the run's name, which stays: deleting it changes nothing. */
  async deleteTag(p: MlflowParams): Promise<object> {
    const id = requireRunId(p.runId());
    const key = p.requiredString('key', MLFLOW_LIMITS.keyLength);
    if (key === RUN_NAME_TAG) await this.runs.getRun(id);
    else await this.runs.deleteTag(id, key);
    return {};
  }

  async logParam(p: MlflowParams, caller: Identity): Promise<object> {
    const param = readParam({ key: p.string('key', MLFLOW_LIMITS.keyLength), value: p.string('value', MLFLOW_LIMITS.paramValueLength) }, 'param');
    await this.logBatch(requireRunId(p.runId()), { metrics: [], params: [param], tags: [] }, caller);
    return {};
  }

  async logMetric(p: MlflowParams, caller: Identity, idempotencyKey?: string): Promise<object> {
    const fields = { key: p.string('key', MLFLOW_LIMITS.keyLength), value: p.raw('value'), timestamp: p.int64('timestamp'), step: p.int64('step') };
    await this.logBatch(requireRunId(p.runId()), { metrics: [readMetric(fields, 'metric')], params: [], tags: [] }, caller, idempotencyKey);
    return {};
  }

  /** runs/log-batch: at most 1,000 metrics, 100 params and 100 tags, checked before anything is written. */
  async logBatchRequest(p: MlflowParams, caller: Identity, idempotencyKey?: string): Promise<object> {
    const id = requireRunId(p.runId());
    const metrics = p.objects('metrics', MLFLOW_LIMITS.metricsPerBatch).map((m, i) => readMetric(m, `metrics[${i}]`));
    const params = p.objects('params', MLFLOW_LIMITS.paramsPerBatch).map((x, i) => readParam(x, `params[${i}]`));
    const tags = p.objects('tags', MLFLOW_LIMITS.tagsPerBatch).map((t, i) => readTag(t, `tags[${i}]`));
    await this.logBatch(id, { metrics, params, tags }, caller, idempotencyKey);
    return {};
  }

  /**
   * Params, tags and metrics in one transaction: a refused item (a param with another value, a deleted run, the key
   * limit) stores nothing. Metric events are published after commit, as logMetrics publishes them. With an idempotency
   * key, metrics already committed under it are not stored again (params and tags are idempotent by themselves).
   */
  async logBatch(id: string, batch: LogBatchData, caller: Identity, idempotencyKey?: string): Promise<void> {
    const renamed = batch.tags.filter((t) => t.key === RUN_NAME_TAG).pop();
    const tags = batch.tags.filter((t) => t.key !== RUN_NAME_TAG);
    const aliases = this.unrecordedAliases(id, batch.metrics);
    await this.db.write(async (tx) => {
      // The run's lock first: an unknown or deleted run is refused before anything else is looked at.
      await this.runs.lockForLogging(tx, id, id);
      if (batch.params.length) await this.runs.logParams(id, batch.params, tx);
      if (tags.length) await this.runs.setTags(id, tags, tx);
      if (renamed) await this.runs.updateRun({ id, name: renamed.value }, caller, { uow: tx });
      if (batch.metrics.length) await this.metrics.logMetrics(id, batch.metrics, { uow: tx, source: 'mlflow', idempotencyKey });
      await this.repo.recordLoggedKeys(
        tx,
        aliases.map((loggedKey) => ({ runId: id, loggedKey, canonicalKey: canonicalMetricKey(loggedKey) })),
      );
    });
    this.remember(id, aliases);
  }

  /** runs/log-inputs: dataset inputs, each once per (name, digest). */
  async logInputs(p: MlflowParams): Promise<object> {
    const id = requireRunId(p.runId());
    const inputs = p.objects('datasets', MLFLOW_LIMITS.datasetsPerRequest).map((d, i) => readDatasetInput(d, `datasets[${i}]`));
    const now = Date.now();
    await this.db.write(async (tx: EntityManager) => {
      await this.runs.lockForLogging(tx, id, id);
      await this.repo.insertInputs(
        tx,
        inputs.map((d) => ({ runId: id, ...d, createdAt: now })),
      );
    });
    return {};
  }

  /** The batch's keys that are aliases of a canonical key and not yet known to be recorded for the run. */
  private unrecordedAliases(id: string, metrics: readonly MetricPointInput[]): string[] {
    const out = new Set<string>();
    for (const m of metrics) if (canonicalMetricKey(m.key) !== m.key && !this.knownKeys.has(`${id}\u0000${m.key}`)) out.add(m.key);
    return [...out];
  }

  private remember(id: string, keys: readonly string[]): void {
    if (this.knownKeys.size + keys.length > KNOWN_KEYS_LIMIT) this.knownKeys.clear();
    for (const k of keys) this.knownKeys.add(`${id}\u0000${k}`);
  }
}
