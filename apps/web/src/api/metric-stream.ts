// Live metric series of one run over graphql-ws (metricBatchLogged): the stored points are replayed first, then each
// committed batch follows. When the socket drops, the stream resubscribes with afterSequence = the last sequence it
// applied, so nothing is missed and nothing is drawn twice (applyBatch skips anything at or below it anyway).
import { print } from 'graphql';
import type { Client } from 'graphql-ws';
import { MetricBatchLoggedDocument, type MetricBatchLoggedSubscription } from '../graphql/generated';
import { applyBatch, emptyStream, type Series, type StreamState } from '../lib/series';

const QUERY = print(MetricBatchLoggedDocument);

export class MetricStream {
  readonly state: StreamState = emptyStream();
  private dispose: (() => void) | null = null;
  private offClosed: () => void;
  private closed = false;
  /** Replay finished (the first batch arrived, or the run has no points for these keys). */
  error: string | null = null;
  batches = 0;

  constructor(
    private readonly ws: Client,
    readonly runId: string,
    readonly keys: readonly string[] | null,
    private readonly onChange: (changed: Set<string>) => void,
  ) {
    this.offClosed = ws.on('closed', () => {
      // The socket dropped: drop this subscription and ask again from the last sequence applied. The new
      // subscription waits for graphql-ws to reconnect (with its backoff).
      if (this.closed || !this.dispose) return;
      this.dispose();
      this.subscribe();
    });
    this.subscribe();
  }

  private subscribe(): void {
    const variables = { runId: this.runId, afterSequence: this.state.lastSequence, keys: this.keys };
    let active = true;
    const dispose = this.ws.subscribe<MetricBatchLoggedSubscription>(
      { query: QUERY, variables },
      {
        next: (result) => {
          if (!active) return;
          if (result.errors?.length) {
            this.error = result.errors.map((e) => e.message).join('; ');
            this.onChange(new Set());
            return;
          }
          const batch = result.data?.metricBatchLogged;
          if (!batch) return;
          this.batches++;
          const changed = applyBatch(this.state, batch.points);
          if (changed.size) this.onChange(changed);
        },
        error: (e) => {
          if (!active) return;
          this.error = e instanceof Error ? e.message : Array.isArray(e) ? e.map((x) => x.message).join('; ') : 'subscription failed';
          this.onChange(new Set());
        },
        complete: () => undefined,
      },
    );
    this.dispose = () => {
      active = false;
      dispose();
    };
  }

  series(key: string): Series | undefined {
    return this.state.series.get(key);
  }

  close(): void {
    this.closed = true;
    this.offClosed();
    this.dispose?.();
    this.dispose = null;
  }
}

/**
 * The series of one run for a growing set of keys: keys asked for later get their own stream (from sequence 0), so
 * adding a chart never replays the keys already drawn.
 */
export class RunSeriesStore {
  private streams: MetricStream[] = [];
  private streamed = new Set<string>();
  private listeners = new Set<() => void>();
  version = 0;

  constructor(
    private readonly ws: Client,
    readonly runId: string,
  ) {}

  private pendingKeys: string[] = [];

  /** Keys asked for in the same tick (every chart of a page as it mounts) share one stream. */
  ensureKeys(keys: readonly string[]): void {
    const fresh = keys.filter((k) => !this.streamed.has(k));
    if (!fresh.length) return;
    for (const k of fresh) this.streamed.add(k);
    if (!this.pendingKeys.length) queueMicrotask(() => this.flush());
    this.pendingKeys.push(...fresh);
  }

  private flush(): void {
    const keys = this.pendingKeys;
    this.pendingKeys = [];
    if (this.closedStore || !keys.length) return;
    this.streams.push(new MetricStream(this.ws, this.runId, keys, () => this.changed()));
  }

  series(key: string): Series | undefined {
    for (const s of this.streams) {
      const found = s.series(key);
      if (found) return found;
    }
    return undefined;
  }

  get error(): string | null {
    return this.streams.find((s) => s.error)?.error ?? null;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Listeners are told synchronously; a chart coalesces (useStoresVersion), so many stores cost one redraw. */
  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }

  private closedStore = false;

  close(): void {
    this.closedStore = true;
    for (const s of this.streams) s.close();
    this.streams = [];
    this.listeners.clear();
  }
}
