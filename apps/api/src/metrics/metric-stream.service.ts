// The `metricLogged` stream: replay stored points after a cursor, then live, in sequence order, with no gap and no
// duplicate across the seam.
import { Inject, Injectable } from '@nestjs/common';
import { AppError, badInput } from '../common/app-error';
import { PUB_SUB, type PodiumPubSub } from '../graphql/pubsub';
import { RunsService } from '../runs/runs.service';
import { METRIC_LOGGED, type MetricLoggedEvent, pointsOf } from './metric-events';
import { canonicalMetricKey } from './metric-keys';
import type { MetricPointRow } from './metric-summary';
import { MetricsRepository } from './metrics.repository';

export interface MetricStreamOptions {
  keys?: readonly string[] | null;
  /** Replay only points with a greater sequence (default 0: the whole history). */
  afterSequence?: number | null;
  /** Filters the replay only (live points are never held back). */
  fromStep?: number | null;
}

const REPLAY_PAGE = 1000;

async function* flatten<T>(batches: AsyncIterable<T[]>): AsyncGenerator<T> {
  for await (const batch of batches) yield* batch;
}

/**
 * An async generator whose return() takes effect at once. A plain generator waiting for the next live event (an await,
 * not a yield) only sees return() when that event arrives, so an unsubscribed stream of a quiet run would keep its
 * listener forever; `stopped` resolves on return() and ends the wait.
 */
function closable<T>(make: (stopped: Promise<void>) => AsyncGenerator<T>): AsyncIterableIterator<T> {
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const gen = make(stopped);
  return {
    next: () => gen.next(),
    return: (value?: unknown) => {
      stop();
      return gen.return(value as T);
    },
    throw: (e?: unknown) => {
      stop();
      return gen.throw(e);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
/** Batches buffered for one subscriber before it is cut off (it reconnects with its last sequence and loses nothing). */
const MAX_BUFFERED_BATCHES = 10_000;

/** Unbounded-until-a-cap FIFO fed by the live subscription while the replay runs. */
class EventBuffer {
  private items: MetricLoggedEvent[] = [];
  private wake: (() => void) | undefined;
  overflow = false;
  ended = false;

  push(e: MetricLoggedEvent): void {
    if (this.items.length >= MAX_BUFFERED_BATCHES) this.overflow = true;
    else this.items.push(e);
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  async next(): Promise<MetricLoggedEvent | undefined> {
    while (this.items.length === 0 && !this.ended && !this.overflow) await new Promise<void>((r) => (this.wake = r));
    this.wake = undefined;
    if (this.overflow) throw new AppError('RATE_LIMITED', 'metricLogged: subscriber too slow; resubscribe with afterSequence set to the last sequence received');
    return this.items.shift();
  }
}

@Injectable()
export class MetricStreamService {
  constructor(
    private readonly repo: MetricsRepository,
    private readonly runs: RunsService,
    @Inject(PUB_SUB) private readonly pubSub: PodiumPubSub,
  ) {}

  /**
   * Subscribes to the live topic first (buffering), reads the committed head sequence, replays stored points up to it,
   * then yields buffered and live batches, skipping sequences already yielded. A live batch that starts past the next
   * expected sequence (its predecessor's event is late or was lost) is preceded by the missing range read from the
   * database: a run's writes commit in sequence order, so that range is committed.
   */
  stream(runId: string, opts: MetricStreamOptions = {}): AsyncIterableIterator<MetricPointRow> {
    return closable((stopped) => flatten(this.generate(runId, opts, stopped)));
  }

  /** The same stream, one array per stored page or committed batch (fewer messages for many subscribers). */
  batches(runId: string, opts: MetricStreamOptions = {}): AsyncIterableIterator<MetricPointRow[]> {
    return closable((stopped) => this.generate(runId, opts, stopped));
  }

  private async *generate(runId: string, opts: MetricStreamOptions, stopped: Promise<void>): AsyncGenerator<MetricPointRow[]> {
    if (opts.afterSequence != null && (!Number.isInteger(opts.afterSequence) || opts.afterSequence < 0)) throw badInput(`afterSequence must be a non-negative integer, got ${opts.afterSequence}`);
    const run = await this.runs.getRun(runId);
    const keys = opts.keys?.length ? [...new Set(opts.keys.map(canonicalMetricKey))] : undefined;
    const keySet = keys && new Set(keys);
    const after = opts.afterSequence ?? 0;
    const live = this.pubSub.subscribe(METRIC_LOGGED, run.id) as AsyncIterable<MetricLoggedEvent>;
    const iterator = live[Symbol.asyncIterator]();
    const buffer = new EventBuffer();
    void stopped.then(() => buffer.end());
    const pump = (async () => {
      try {
        for (let r = await iterator.next(); !r.done; r = await iterator.next()) buffer.push(r.value);
      } finally {
        buffer.end();
      }
    })();
    try {
      const head = (await this.repo.committedSequence(run.id)) ?? 0;
      let cursor = after;
      while (cursor < head) {
        const page = await this.repo.pointsBetween({ runId: run.id, afterSequence: cursor, uptoSequence: head, keys, fromStep: opts.fromStep ?? undefined, limit: REPLAY_PAGE });
        if (page.length) yield page;
        if (page.length < REPLAY_PAGE) break;
        cursor = page[page.length - 1].sequence;
      }
      let seen = Math.max(head, after);
      for (let e = await buffer.next(); e; e = await buffer.next()) {
        if (e.lastSequence <= seen) continue;
        if (e.firstSequence > seen + 1) {
          let from = seen;
          while (from < e.firstSequence - 1) {
            const gap = await this.repo.pointsBetween({ runId: run.id, afterSequence: from, uptoSequence: e.firstSequence - 1, keys, limit: REPLAY_PAGE });
            if (gap.length) yield gap;
            if (gap.length < REPLAY_PAGE) break;
            from = gap[gap.length - 1].sequence;
          }
        }
        const fresh = pointsOf(e).filter((p) => p.sequence > seen && (!keySet || keySet.has(p.key)));
        if (fresh.length) yield fresh;
        seen = e.lastSequence;
      }
    } finally {
      await iterator.return?.();
      await pump.catch(() => undefined);
    }
  }
}
