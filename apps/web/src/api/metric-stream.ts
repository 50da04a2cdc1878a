// Live metric series of one run over graphql-ws: first the series downsampled by the api (metricSeries, a few
// thousand numbers however long the run), then metricBatchLogged from the sequence that read covers, so each
// committed batch follows with no gap and no duplicate. When the socket drops, the stream resubscribes with
// afterSequence = the last sequence it applied, so nothing is missed and nothing is drawn twice (applyBatch skips
// anything at or below it anyway). Without a downsampled read (seedPoints 0, or the read failed) the stored points
// are replayed from sequence 0.
import { print } from 'graphql';
import type { Client } from 'graphql-ws';
import { MetricBatchLoggedDocument, type MetricBatchLoggedSubscription, MetricSeriesDocument, type MetricSeriesQuery } from '../graphql/generated';
import { applyBatch, applySeries, emptyStream, type Series, type StreamState } from '../lib/series';

const QUERY = print(MetricBatchLoggedDocument);
const SERIES_QUERY = print(MetricSeriesDocument);

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
    /** Points per series of the first read (about a chart's width in pixels); 0: replay every stored point. */
    private seedPoints = 0,
  ) {
    this.offClosed = ws.on('closed', () => {
      // The socket dropped: drop this operation and go on from the last sequence applied. The new one waits for
      // graphql-ws to reconnect (with its backoff).
      if (this.closed || !this.dispose) return;
      this.dispose();
      this.start();
    });
    this.start();
  }

  private start(): void {
    if (this.seedPoints > 0 && this.keys?.length) this.seed();
    else this.subscribe();
  }

  /** The downsampled read; then the live stream from the sequence it covers. Any failure falls back to the replay. */
  private seed(): void {
    let active = true;
    let settled = false;
    const fallBack = () => {
      if (!active || settled) return;
      settled = true;
      this.seedPoints = 0;
      this.subscribe();
    };
    const dispose = this.ws.subscribe<MetricSeriesQuery>(
      { query: SERIES_QUERY, variables: { runId: this.runId, keys: this.keys, maxPoints: this.seedPoints } },
      {
        next: (result) => {
          const read = result.data?.metricSeries;
          if (!active || settled || result.errors?.length || !read) return fallBack();
          settled = true;
          this.seedPoints = 0;
          const changed = applySeries(this.state, read.lastSequence, read.series);
          this.subscribe();
          if (changed.size) this.onChange(changed);
        },
        error: fallBack,
        complete: fallBack,
      },
    );
    this.dispose = () => {
      active = false;
      dispose();
    };
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

  /** Points the key's series stands for (before any downsampling). */
  total(key: string): number {
    return this.state.totals.get(key) ?? 0;
  }

  close(): void {
    this.closed = true;
    this.offClosed();
    this.dispose?.();
    this.dispose = null;
  }
}

/**
 * The series of one run for a growing set of keys: keys asked for later get their own stream (its own downsampled
 * read), so adding a chart never reads the keys already drawn again.
 */
export class RunSeriesStore {
  private streams: MetricStream[] = [];
  private streamed = new Set<string>();
  private listeners = new Set<() => void>();
  version = 0;

  constructor(
    private readonly ws: Client,
    readonly runId: string,
    /** Points per series of each stream's first read (0: replay every stored point). */
    private readonly seedPoints = 0,
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
    this.streams.push(new MetricStream(this.ws, this.runId, keys, () => this.changed(), this.seedPoints));
  }

  series(key: string): Series | undefined {
    for (const s of this.streams) {
      const found = s.series(key);
      if (found) return found;
    }
    return undefined;
  }

  total(key: string): number {
    for (const s of this.streams) if (s.series(key)) return s.total(key);
    return 0;
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
