// The `metricLogged` stream: replay stored points after a cursor, then live, in sequence order, with no gap and no
// duplicate across the seam.
import { Inject, Injectable } from '@nestjs/common';
import { AppError, badInput } from '../common/app-error';
import { PUB_SUB, type PodiumPubSub } from '../graphql/pubsub';
import { RunsService } from '../runs/runs.service';
import { METRIC_LOGGED, type MetricLoggedEvent, pointsOf } from './metric-events';
import { canonicalMetricKey, MAX_KEYS_PER_READ } from './metric-keys';
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

/** An async iterator whose return() is always there (ends the stream at once). */
export interface MetricStream<T> extends AsyncIterableIterator<T> {
  return(value?: unknown): Promise<IteratorResult<T>>;
}

/**
 * An async generator whose return() takes effect at once. A plain generator waiting for the next live event (an await,
 * not a yield) only sees return() when that event arrives, so an unsubscribed stream of a quiet run would keep its
 * listener forever; `stopped` resolves on return() and ends the wait.
 */
function closable<T>(make: (stopped: Promise<void>) => AsyncGenerator<T>): MetricStream<T> {
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

/**
 * After this long without an event the stream asks the database whether it missed any (a Redis subscription becomes
 * active a moment after it is requested, and a bus may drop messages): a cheap primary-key read per idle subscriber.
 */
export const IDLE_RECHECK_MS = 2000;
const TIMEOUT = Symbol('timeout');

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

  /** The next event, undefined once ended, or TIMEOUT after `timeoutMs` without one. */
  async next(timeoutMs: number): Promise<MetricLoggedEvent | undefined | typeof TIMEOUT> {
    if (this.items.length === 0 && !this.ended && !this.overflow) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await new Promise<boolean>((r) => {
        this.wake = () => r(false);
        timer = setTimeout(() => r(true), timeoutMs);
      });
      clearTimeout(timer);
      this.wake = undefined;
      if (timedOut && this.items.length === 0 && !this.ended && !this.overflow) return TIMEOUT;
    }
    if (this.overflow) throw new AppError('RATE_LIMITED', 'metricLogged: subscriber too slow; resubscribe with afterSequence set to the last sequence received');
    return this.items.shift();
  }
}

/**
 * One bus subscription per run on this replica, shared by the run's streams: an event goes straight into each stream's
 * buffer from one listener, where a bus iterator and a pump per subscriber cost two more async steps each, walked by
 * every subscriber before the first socket write. The subscription goes when the run's last stream leaves.
 */
class RunEvents {
  private readonly byRun = new Map<string, { buffers: Set<EventBuffer>; events: AsyncIterator<MetricLoggedEvent> }>();

  constructor(private readonly pubSub: PodiumPubSub) {}

  /** Feeds `buffer` with the run's events from now on (the bus listener is attached before this returns). */
  attach(runId: string, buffer: EventBuffer): () => void {
    let entry = this.byRun.get(runId);
    if (!entry) {
      const events = this.pubSub.subscribe(METRIC_LOGGED, runId)[Symbol.asyncIterator]();
      const created = { buffers: new Set<EventBuffer>(), events };
      entry = created;
      this.byRun.set(runId, created);
      // The first next() attaches the bus listener, synchronously.
      void (async () => {
        try {
          for (let r = await events.next(); !r.done; r = await events.next()) for (const b of created.buffers) b.push(r.value);
        } catch {
          // A failed bus ends the streams below: each client resubscribes with its last sequence and loses nothing.
        } finally {
          if (this.byRun.get(runId) === created) this.byRun.delete(runId);
          for (const b of created.buffers) b.end();
        }
      })();
    }
    const joined = entry;
    joined.buffers.add(buffer);
    return () => {
      joined.buffers.delete(buffer);
      if (joined.buffers.size > 0 || this.byRun.get(runId) !== joined) return;
      this.byRun.delete(runId);
      // Not awaited: a bus that never settles its pending next() cannot hold the subscriber's return().
      void joined.events.return?.()?.catch(() => undefined);
    };
  }
}

@Injectable()
export class MetricStreamService {
  private readonly live: RunEvents;

  constructor(
    private readonly repo: MetricsRepository,
    private readonly runs: RunsService,
    @Inject(PUB_SUB) pubSub: PodiumPubSub,
  ) {
    this.live = new RunEvents(pubSub);
  }

  /**
   * Subscribes to the live topic first (buffering), reads the committed head sequence, replays stored points up to it,
   * then yields buffered and live batches, skipping sequences already yielded. A live batch that starts past the next
   * expected sequence (its predecessor's event is late or was lost) is preceded by the missing range read from the
   * database: a run's writes commit in sequence order, so that range is committed.
   */
  stream(runId: string, opts: MetricStreamOptions = {}): MetricStream<MetricPointRow> {
    return closable((stopped) => flatten(this.generate(runId, opts, stopped)));
  }

  /** The same stream, one array per stored page or committed batch (fewer messages for many subscribers). */
  batches(runId: string, opts: MetricStreamOptions = {}): MetricStream<MetricPointRow[]> {
    return closable((stopped) => this.generate(runId, opts, stopped));
  }

  private async *generate(runId: string, opts: MetricStreamOptions, stopped: Promise<void>): AsyncGenerator<MetricPointRow[]> {
    if (opts.afterSequence != null && (!Number.isInteger(opts.afterSequence) || opts.afterSequence < 0)) throw badInput(`afterSequence must be a non-negative integer, got ${opts.afterSequence}`);
    if (opts.keys && opts.keys.length > MAX_KEYS_PER_READ) throw badInput(`keys: at most ${MAX_KEYS_PER_READ} metric keys a subscription, got ${opts.keys.length}`);
    const run = await this.runs.getRun(runId);
    const keys = opts.keys?.length ? [...new Set(opts.keys.map(canonicalMetricKey))] : undefined;
    const keySet = keys && new Set(keys);
    const after = opts.afterSequence ?? 0;
    const buffer = new EventBuffer();
    void stopped.then(() => buffer.end());
    const detach = this.live.attach(run.id, buffer);
    try {
      const head = (await this.runs.committedSequence(run.id)) ?? 0;
      yield* this.range(run.id, after, head, keys, opts.fromStep ?? undefined);
      let seen = Math.max(head, after);
      while (true) {
        const e = await buffer.next(IDLE_RECHECK_MS);
        if (e === undefined) break;
        if (e === TIMEOUT) {
          const committed = (await this.runs.committedSequence(run.id)) ?? 0;
          if (committed > seen) {
            yield* this.range(run.id, seen, committed, keys);
            seen = committed;
          }
          continue;
        }
        if (e.lastSequence <= seen) continue;
        if (e.firstSequence > seen + 1) yield* this.range(run.id, seen, e.firstSequence - 1, keys);
        const all = pointsOf(e);
        const fresh = all.filter((p) => p.sequence > seen && (!keySet || keySet.has(p.key)));
        // The event's own array when nothing was filtered out: subscribers then share one execution per batch.
        if (fresh.length) yield fresh.length === all.length ? all : fresh;
        seen = e.lastSequence;
      }
    } finally {
      detach();
    }
  }

  /** Stored points with after < sequence ≤ upto (filtered by keys, and by fromStep on the replay only), in pages. */
  private async *range(runId: string, after: number, upto: number, keys: string[] | undefined, fromStep?: number): AsyncGenerator<MetricPointRow[]> {
    let from = after;
    while (from < upto) {
      const page = await this.repo.pointsBetween({ runId, afterSequence: from, uptoSequence: upto, keys, fromStep, limit: REPLAY_PAGE });
      if (page.length) yield page;
      if (page.length < REPLAY_PAGE) break;
      from = page[page.length - 1].sequence;
    }
  }
}
