// Metric ingest (validate, sequence, insert, fold summaries — one transaction, publish after commit) and reads.
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Identity } from '../auth/roles';
import { badInput, failedPrecondition, notFound } from '../common/app-error';
import { decodeCursor, encodeCursor } from '../common/pagination';
import { isUuid } from '../common/uuid';
import { Database } from '../database/database';
import { PUB_SUB, type PodiumPubSub } from '../graphql/pubsub';
import { shortIdOf } from '../runs/run.entity';
import { RunsRepository } from '../runs/runs.repository';
import { RunsService } from '../runs/runs.service';
import { METRIC_LOGGED, toMetricLoggedEvent } from './metric-events';
import { canonicalMetricKey, MAX_METRIC_KEY_LENGTH } from './metric-keys';
import { foldSummaries, type MetricPointRow, type MetricSummaryRow } from './metric-summary';
import { MetricsRepository } from './metrics.repository';

export const MAX_POINTS_PER_BATCH = 1000;
export const MAX_HISTORY_PAGE = 1000;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const MAX_TIMESTAMP = 8.64e15;

export interface MetricPointInput {
  key: string;
  /** NaN and ±Infinity are legal values. */
  value: number;
  step: number;
  /** Epoch milliseconds (fractions rounded); defaults to the time of the call. */
  timestamp?: number | null;
}

/** A stored point, as logged: canonical key and the sequence it was given. */
export type LoggedPoint = MetricPointRow;

export interface HistoryPage {
  nodes: MetricPointRow[];
  totalCount: number;
  endCursor: string | null;
  hasNextPage: boolean;
}

type HistoryCursor = [number, number];
const isHistoryCursor = (v: unknown): v is HistoryCursor => Array.isArray(v) && v.length === 2 && v.every((x) => Number.isInteger(x));

/** Validates a batch with plain loops (class-validator per point would dominate ingest time); lists up to 5 problems. */
function checkPoints(points: readonly MetricPointInput[]): void {
  if (points.length > MAX_POINTS_PER_BATCH) throw badInput(`logMetrics takes at most ${MAX_POINTS_PER_BATCH} points a call, got ${points.length}`, { max: MAX_POINTS_PER_BATCH, got: points.length });
  const problems: string[] = [];
  for (let i = 0; i < points.length && problems.length < 5; i++) {
    const p = points[i];
    if (typeof p.key !== 'string' || p.key.length === 0 || p.key.length > MAX_METRIC_KEY_LENGTH) problems.push(`metrics[${i}].key must be 1..${MAX_METRIC_KEY_LENGTH} characters`);
    if (typeof p.value !== 'number') problems.push(`metrics[${i}].value must be a number, "NaN", "Infinity" or "-Infinity"`);
    if (!Number.isInteger(p.step) || p.step < INT32_MIN || p.step > INT32_MAX) problems.push(`metrics[${i}].step must be a 32-bit integer, got ${p.step}`);
    const ts = p.timestamp;
    if (ts !== undefined && ts !== null && (!Number.isFinite(ts) || ts < 0 || ts > MAX_TIMESTAMP)) problems.push(`metrics[${i}].timestamp must be epoch milliseconds (a non-negative number), got ${ts}`);
  }
  if (problems.length) throw badInput(`Invalid metrics: ${problems.join('; ')}`, { problems });
}

@Injectable()
export class MetricsService {
  constructor(
    private readonly db: Database,
    private readonly repo: MetricsRepository,
    private readonly runsRepo: RunsRepository,
    private readonly runs: RunsService,
    @Inject(PUB_SUB) private readonly pubSub: PodiumPubSub,
  ) {}

  /**
   * Logs a batch atomically (all or nothing): keys made canonical, sequences handed out in batch order under the run's
   * row lock (so commit order = sequence order), summaries folded in memory and upserted once per key, and one
   * METRIC_LOGGED event published after commit.
   */
  async logMetrics(runId: string, points: readonly MetricPointInput[], _actor?: Identity): Promise<LoggedPoint[]> {
    checkPoints(points);
    const id = await this.resolveRunId(runId);
    if (points.length === 0) {
      // Nothing to write, but an unknown run is still NOT_FOUND (as it is by short id and for a non-empty batch).
      await this.runs.getRun(id);
      return [];
    }
    const now = Date.now();
    const logged = await this.db.write((tx) => this.insertBatch(tx, id, runId, points, now));
    this.pubSub.publish(METRIC_LOGGED, id, toMetricLoggedEvent(id, logged));
    return logged;
  }

  /**
   * logMetrics inside the caller's write transaction (`runId` a full id), for a batch that must commit with the
   * caller's other writes or not at all. The caller calls `publish` once the transaction has committed.
   */
  async logMetricsIn(tx: EntityManager, runId: string, points: readonly MetricPointInput[]): Promise<{ logged: LoggedPoint[]; publish: () => void }> {
    checkPoints(points);
    const id = runId.toLowerCase();
    const logged = points.length ? await this.insertBatch(tx, id, runId, points, Date.now()) : [];
    return {
      logged,
      publish: () => {
        if (logged.length) this.pubSub.publish(METRIC_LOGGED, id, toMetricLoggedEvent(id, logged));
      },
    };
  }

  /** Whether the run has a point of `key` at `step` (one index probe), read in `m` (a write transaction, or the reader). */
  hasPointAt(m: EntityManager, runId: string, key: string, step: number): Promise<boolean> {
    return this.repo.hasPointAt(m, runId, canonicalMetricKey(key), step);
  }

  private async insertBatch(tx: EntityManager, id: string, givenId: string, points: readonly MetricPointInput[], now: number): Promise<LoggedPoint[]> {
    const run = await this.runsRepo.lock(tx, id);
    if (!run) throw notFound('Run', givenId);
    if (run.lifecycle === 'deleted') throw failedPrecondition(`run ${shortIdOf(run.id)} is deleted; restore it before logging`);
    let seq = run.nextSequence;
    const rows: MetricPointRow[] = new Array(points.length);
    const keys = new Set<string>();
    for (let i = 0; i < points.length; i++) {
      const p = points[i];
      const key = canonicalMetricKey(p.key);
      keys.add(key);
      // Fractional milliseconds (Python's time.time() * 1000) are rounded: the column holds whole milliseconds.
      rows[i] = { runId: id, key, value: p.value, step: p.step, timestamp: p.timestamp == null ? now : Math.round(p.timestamp), sequence: ++seq };
    }
    await this.repo.insertPoints(tx, rows);
    const existing = new Map((await this.repo.summariesFor(tx, id, [...keys])).map((s) => [s.key, s]));
    await this.repo.upsertSummaries(tx, [...foldSummaries(existing, rows).values()]);
    await this.repo.setNextSequence(tx, id, seq);
    return rows;
  }

  /** Summaries of each run, by key (every id gets an entry, possibly empty). */
  async summariesByRunIds(runIds: readonly string[]): Promise<Map<string, MetricSummaryRow[]>> {
    const out = new Map<string, MetricSummaryRow[]>(runIds.map((id) => [id, []]));
    for (const s of await this.repo.summariesByRunIds([...out.keys()].filter(isUuid))) out.get(s.runId)?.push(s);
    return out;
  }

  /**
   * One key's full history (alias keys accepted), by step then sequence; `first` ≤ 1000 because plots want whole curves.
   * An unknown run is NOT_FOUND (a run without points for the key is an empty page).
   */
  async history(runId: string, key: string, first?: number | null, after?: string | null): Promise<HistoryPage> {
    const limit = first ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_PAGE) throw badInput(`first must be an integer between 1 and ${MAX_HISTORY_PAGE}, got ${first}`);
    const cursor = decodeCursor(after, isHistoryCursor);
    const id = await this.resolveRunId(runId);
    const canonical = canonicalMetricKey(key);
    const [rows, count] = await Promise.all([
      this.repo.history(id, canonical, cursor && { step: cursor[0], sequence: cursor[1] }, limit + 1),
      // The key's own summary row holds its count; read through the run's row, so a full id that names no run is told
      // apart in the same read (a short id was resolved above).
      this.repo.keyCount(id, canonical),
    ]);
    if (count === undefined) throw notFound('Run', runId);
    const nodes = rows.slice(0, limit);
    const last = nodes[nodes.length - 1];
    return {
      nodes,
      totalCount: count,
      endCursor: last ? encodeCursor([last.step, last.sequence]) : null,
      hasNextPage: rows.length > limit,
    };
  }

  /** Full uuid of a run given by id or short prefix (one indexed read; a full uuid skips it). */
  private async resolveRunId(runId: string): Promise<string> {
    if (isUuid(runId)) return runId.toLowerCase();
    return (await this.runs.getRun(runId)).id;
  }
}
