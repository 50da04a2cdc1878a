// Metric ingest (validate, sequence, insert, fold summaries — one transaction, publish after commit; per-run key
// limit; idempotent batches) and reads.
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { badInput, notFound } from '../common/app-error';
import { keysetPage } from '../common/pagination';
import { isUuid } from '../common/uuid';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../core/core.module';
import { Database, type UnitOfWork } from '../database/database';
import { isUniqueViolation } from '../database/unique-violation';
import { PUB_SUB, type PodiumPubSub } from '../graphql/pubsub';
import type { RunEntity } from '../runs/run.entity';
import { RunsService } from '../runs/runs.service';
import { batchFingerprint, batchOf, checkIdempotencyKey, checkPoints, idempotencyConflict, type LoggedBatch, type MetricPointInput, metricKeyLimitError } from './metric-batch';
import { METRIC_LOGGED, toMetricLoggedEvent } from './metric-events';
import { canonicalMetricKey, MAX_KEYS_PER_READ, MAX_METRIC_KEY_LENGTH } from './metric-keys';
import { foldSummaries, type MetricPointRow, type MetricSummaryRow } from './metric-summary';
import { MetricsRepository } from './metrics.repository';
import { countIngestedPoints, type IngestSource } from '../observability/metrics';

export const MAX_HISTORY_PAGE = 1000;
/** Run.metrics: its page size (default, most). */
export const DEFAULT_SUMMARY_PAGE = 100;
export const MAX_SUMMARY_PAGE = 1000;

/** A stored point, as logged: canonical key and the sequence it was given. */
export type LoggedPoint = MetricPointRow;

export interface HistoryPage {
  nodes: MetricPointRow[];
  totalCount: number;
  endCursor: string | null;
  hasNextPage: boolean;
}

/** Which summaries of each run a read returns: only `keys` (canonical or aliases) and/or `first` after the key `after`. */
export interface SummaryPageArgs {
  keys?: readonly string[] | null;
  first?: number | null;
  after?: string | null;
}

interface Receipt {
  key: string;
  fingerprint: string;
}

@Injectable()
export class MetricsService {
  constructor(
    private readonly db: Database,
    private readonly repo: MetricsRepository,
    private readonly runs: RunsService,
    @Inject(PUB_SUB) private readonly pubSub: PodiumPubSub,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'maxMetricKeysPerRun' | 'metricIdempotencyTtlSeconds'>,
  ) {}

  /**
   * Logs a batch atomically (all or nothing): keys made canonical, sequences handed out in batch order under the run's
   * row lock (so commit order = sequence order), summaries folded in memory and upserted once per key, and after
   * commit one METRIC_LOGGED event and the ingest counter of `source`. With an `idempotencyKey`, a batch already
   * committed under that key (within the retention time) is not stored again: the first answer comes back and nothing
   * is published; the same key with other content is CONFLICT. With `uow` (then `runId` a full id) the batch joins
   * that unit of work: it commits with the caller's other writes or not at all, and publishes after that commit.
   */
  async logMetrics(runId: string, points: readonly MetricPointInput[], opts: { idempotencyKey?: string | null; source?: IngestSource; uow?: UnitOfWork } = {}): Promise<LoggedBatch> {
    checkPoints(points);
    const key = opts.idempotencyKey ?? undefined;
    if (key !== undefined) checkIdempotencyKey(key);
    const id = opts.uow ? runId.toLowerCase() : await this.resolveRunId(runId);
    if (points.length === 0) {
      // Nothing to write, but an unknown run is still NOT_FOUND (as it is by short id and for a non-empty batch).
      if (opts.uow) await this.runs.lockForLogging(opts.uow, id, runId);
      else await this.runs.getRun(id);
      return batchOf(id, []);
    }
    const receipt = key === undefined ? undefined : { key, fingerprint: batchFingerprint(points) };
    const source = opts.source ?? 'graphql';
    const write = () => this.db.write((tx) => this.writeBatch(tx, id, runId, points, Date.now(), receipt, source), opts.uow);
    try {
      return await write();
    } catch (e) {
      // The run's row lock queues a run's batches, so a second batch under the same key finds the first's receipt;
      // the key's primary key is the backstop: a batch refused by it runs once more and finds the receipt then (not
      // inside an outer unit of work, which the violation has spoilt: the caller's transaction fails whole).
      if (!receipt || opts.uow || !isUniqueViolation(e)) throw e;
      return write();
    }
  }

  /** Whether the run has a point of `key` at `step` (one index probe), read in `m` (a write transaction, or the reader). */
  hasPointAt(m: EntityManager, runId: string, key: string, step: number): Promise<boolean> {
    return this.repo.hasPointAt(m, runId, canonicalMetricKey(key), step);
  }

  private async writeBatch(tx: UnitOfWork, id: string, givenId: string, points: readonly MetricPointInput[], now: number, receipt: Receipt | undefined, source: IngestSource): Promise<LoggedBatch> {
    const run = await this.runs.lockForLogging(tx, id, givenId);
    if (receipt) {
      const prior = await this.repo.findReceipt(tx, run.id, receipt.key);
      if (prior && prior.createdAt > now - this.config.metricIdempotencyTtlSeconds * 1000) {
        if (prior.fingerprint !== receipt.fingerprint) throw idempotencyConflict(run.id, receipt.key, prior);
        const keys = await this.repo.keysBetween(tx, run.id, prior.firstSequence, prior.lastSequence);
        return { runId: run.id, count: prior.count, firstSequence: prior.firstSequence, lastSequence: prior.lastSequence, keys };
      }
      // Expired (the sweeper has not got to it yet): the key is free again.
      if (prior) await this.repo.deleteReceipt(tx, run.id, receipt.key);
    }
    const rows = await this.insertBatch(tx, run, points, now);
    if (receipt) {
      const r = { fingerprint: receipt.fingerprint, count: rows.length, firstSequence: rows[0].sequence, lastSequence: rows[rows.length - 1].sequence, createdAt: now };
      await this.repo.insertReceipt(tx, run.id, receipt.key, r);
    }
    tx.afterCommit(() => {
      this.pubSub.publish(METRIC_LOGGED, run.id, toMetricLoggedEvent(run.id, rows));
      countIngestedPoints(source, rows.length);
    });
    return batchOf(run.id, rows);
  }

  /** Inserts the points of a batch on `run` (locked by the caller's transaction); refuses it whole past the key limit. */
  private async insertBatch(tx: EntityManager, run: RunEntity, points: readonly MetricPointInput[], now: number): Promise<LoggedPoint[]> {
    let seq = run.nextSequence;
    const rows: MetricPointRow[] = new Array(points.length);
    const keys = new Set<string>();
    for (let i = 0; i < points.length; i++) {
      const p = points[i];
      const key = canonicalMetricKey(p.key);
      keys.add(key);
      // Fractional milliseconds (Python's time.time() * 1000) are rounded: the column holds whole milliseconds.
      rows[i] = { runId: run.id, key, value: p.value, step: p.step, timestamp: p.timestamp == null ? now : Math.round(p.timestamp), sequence: ++seq };
    }
    // The summaries of the batch's keys are read anyway (to fold into): the keys without one are the new keys, so the
    // limit costs no count of the run's keys, and the run row keeps the total.
    const existing = new Map((await this.repo.summariesFor(tx, run.id, [...keys])).map((s) => [s.key, s]));
    const added = keys.size - existing.size;
    const limit = this.config.maxMetricKeysPerRun;
    if (added > 0 && run.metricKeyCount + added > limit) throw metricKeyLimitError(run.id, run.metricKeyCount, added, limit);
    await this.repo.insertPoints(tx, rows);
    await this.repo.upsertSummaries(tx, [...foldSummaries(existing, rows).values()]);
    await this.runs.recordMetricBatch(tx, run.id, seq, added);
    return rows;
  }

  /** Summaries of each run, by key (every id gets an entry, possibly empty); only `keys` (canonical or aliases) when given. */
  async summariesByRunIds(runIds: readonly string[], keys?: readonly string[] | null): Promise<Map<string, MetricSummaryRow[]>> {
    const out = new Map<string, MetricSummaryRow[]>(runIds.map((id) => [id, []]));
    const canonical = keys ? [...new Set(keys.map(canonicalMetricKey))] : undefined;
    for (const s of await this.repo.summariesByRunIds([...out.keys()].filter(isUuid), { keys: canonical })) out.get(s.runId)?.push(s);
    return out;
  }

  /**
   * A bounded page of each run's summaries, in key order: only `keys` when given (at most 100), at most `first`
   * (default 100, at most 1000) per run, after the key `after`. Never reads more than that from the database.
   */
  async summaryPages(runIds: readonly string[], page: SummaryPageArgs): Promise<Map<string, MetricSummaryRow[]>> {
    const first = page.first ?? DEFAULT_SUMMARY_PAGE;
    if (!Number.isInteger(first) || first < 1 || first > MAX_SUMMARY_PAGE) throw badInput(`metrics: first must be an integer between 1 and ${MAX_SUMMARY_PAGE}, got ${page.first}`);
    if (page.keys && page.keys.length > MAX_KEYS_PER_READ) throw badInput(`metrics: at most ${MAX_KEYS_PER_READ} keys a call, got ${page.keys.length}`);
    const after = page.after ?? '';
    if (after.length > MAX_METRIC_KEY_LENGTH) throw badInput(`metrics: after must be a metric key (at most ${MAX_METRIC_KEY_LENGTH} characters)`);
    const out = new Map<string, MetricSummaryRow[]>(runIds.map((id) => [id, []]));
    const ids = [...out.keys()].filter(isUuid);
    if (page.keys?.length) {
      // At most 100 rows a run, read by primary key; the page is cut here.
      const keys = [...new Set(page.keys.map(canonicalMetricKey))];
      for (const s of await this.repo.summariesByRunIds(ids, { keys, after })) {
        const rows = out.get(s.runId);
        if (rows && rows.length < first) rows.push(s);
      }
      return out;
    }
    for (const s of await this.repo.firstSummariesByRunIds(ids, after, first)) out.get(s.runId)?.push(s);
    return out;
  }

  /**
   * One key's full history (alias keys accepted), by step then sequence; `first` ≤ 1000 because plots want whole curves.
   * An unknown run is NOT_FOUND (a run without points for the key is an empty page).
   */
  async history(runId: string, key: string, first?: number | null, after?: string | null): Promise<HistoryPage> {
    // The keyset is (step, sequence): sequence is unique within the run.
    return keysetPage(
      first,
      after,
      async (cursor, limit) => {
        if (cursor && !(Number.isInteger(cursor.key) && Number.isInteger(cursor.id))) throw badInput(`after: malformed cursor "${after}"`);
        const id = await this.resolveRunId(runId);
        const canonical = canonicalMetricKey(key);
        const [rows, count] = await Promise.all([
          this.repo.history(id, canonical, cursor && { step: cursor.key as number, sequence: cursor.id as number }, limit),
          // The key's own summary row holds its count; read through the run's row, so a full id that names no run is
          // told apart in the same read (a short id was resolved above).
          this.repo.keyCount(id, canonical),
        ]);
        if (count === undefined) throw notFound('Run', runId);
        return { rows, total: count };
      },
      (p) => ({ key: p.step, id: p.sequence }),
      { max: MAX_HISTORY_PAGE, byDefault: 100 },
    );
  }

  /** Full uuid of a run given by id or short prefix (one indexed read; a full uuid skips it). */
  private async resolveRunId(runId: string): Promise<string> {
    if (isUuid(runId)) return runId.toLowerCase();
    return (await this.runs.getRun(runId)).id;
  }
}
