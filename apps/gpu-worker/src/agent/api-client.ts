// The worker's view of the api: GraphQL over HTTP (fetch) and graphql-ws, with the worker token on both.
import { createClient, type Client } from 'graphql-ws';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import WebSocket from 'ws';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    /** The api's `extensions.reason` where it gives one (WORKER_DRAINING, WORKER_REMOVED, NOT_CLAIMANT, …). */
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export class ApiClient {
  private ws?: Client;
  /** The api's base URL without a trailing slash (a path prefix behind a reverse proxy is kept). */
  readonly baseUrl: string;

  constructor(
    apiUrl: string,
    private readonly token: string,
  ) {
    // PODIUM_API_URL is the base URL; the GraphQL endpoint itself is accepted too.
    this.baseUrl = apiUrl.replace(/\/+$/, '').replace(/\/graphql$/, '');
  }

  private url(path: string): string {
    return `${this.baseUrl}${path.startsWith('/') ? '' : '/'}${path}`;
  }

  private headers(): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}` } : {};
  }

  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await fetch(this.url('/graphql'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.headers() },
      body: JSON.stringify({ query, variables }),
    });
    let body: { data?: T; errors?: { message: string; extensions?: { code?: string; reason?: unknown } }[] };
    try {
      body = (await res.json()) as typeof body;
    } catch {
      throw new ApiError(`api answered HTTP ${res.status} without JSON`, 'HTTP_ERROR');
    }
    if (body.errors?.length) {
      const e = body.errors[0];
      const reason = e.extensions?.reason;
      throw new ApiError(e.message, e.extensions?.code, typeof reason === 'string' ? reason : undefined);
    }
    if (!body.data) throw new ApiError(`api answered HTTP ${res.status} without data`, 'HTTP_ERROR');
    return body.data;
  }

  /** Downloads `path` (an api route) to `target`, checking the sha256 when given; nothing is left behind on failure. */
  async download(path: string, target: string, sha256?: string): Promise<string> {
    const res = await fetch(this.url(path), { headers: this.headers() });
    if (!res.ok || !res.body) throw new ApiError(`GET ${path} failed: HTTP ${res.status} ${await res.text().catch(() => '')}`.trim(), 'DOWNLOAD_FAILED');
    const tmp = `${target}.part-${process.pid}-${Date.now()}`;
    const hash = createHash('sha256');
    const tap = new Transform({
      transform(chunk, _enc, cb) {
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), tap, createWriteStream(tmp));
      const digest = hash.digest('hex');
      if (sha256 && digest !== sha256) throw new ApiError(`GET ${path}: sha256 ${digest} does not match the expected ${sha256}`, 'DOWNLOAD_FAILED');
      await rename(tmp, target);
      return digest;
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  /** Streams the file at `source` to `path` (an api route) with PUT; the api's JSON answer, or an ApiError. */
  async upload(path: string, source: string, contentType: string): Promise<unknown> {
    const { size } = await stat(source);
    const res = await fetch(this.url(path), {
      method: 'PUT',
      headers: { 'content-type': contentType, 'content-length': String(size), ...this.headers() },
      body: Readable.toWeb(createReadStream(source)) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    const text = await res.text().catch(() => '');
    let body: { error?: { code?: string; message?: string; reason?: string } } | undefined;
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = undefined;
    }
    if (!res.ok) throw new ApiError(`PUT ${path} failed: HTTP ${res.status} ${body?.error?.message ?? text.slice(0, 200)}`.trim(), body?.error?.code ?? 'UPLOAD_FAILED', body?.error?.reason);
    return body;
  }

  /**
   * Calls `onSignal` for every event of a subscription, re-subscribing with a backoff when the socket drops (the agent
   * also polls, so a gap only delays a wake-up). graphql-ws's own retries are off: a subscription ended while the
   * client waits to reconnect leaves a rejected promise nobody handles, which kills the process on Node ≥ 15.
   */
  subscribe(query: string, onSignal: () => void, onError: (e: unknown) => void = () => undefined): () => void {
    if (!this.ws) {
      this.ws = createClient({
        url: this.url('/graphql').replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: this.token ? { authorization: `Bearer ${this.token}` } : {},
        retryAttempts: 0,
        lazy: true,
      });
      this.ws.on('error', () => undefined);
    }
    const client = this.ws;
    let stopped = false;
    let failures = 0;
    let timer: NodeJS.Timeout | undefined;
    let unsubscribe = () => undefined as void;
    const open = () => {
      if (stopped) return;
      const again = (e?: unknown) => {
        if (stopped) return;
        if (e !== undefined && failures++ % 10 === 0) onError(e);
        timer = setTimeout(open, Math.min(30_000, 500 * 2 ** Math.min(failures, 6)));
      };
      unsubscribe = client.subscribe(
        { query },
        {
          next: () => {
            failures = 0;
            onSignal();
          },
          error: again,
          complete: () => again(),
        },
      );
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(timer);
      unsubscribe();
    };
  }

  /** Bounded: a socket stuck connecting (an api that never answers the upgrade) must not hold a shutdown. */
  async close(): Promise<void> {
    const ws = this.ws;
    this.ws = undefined;
    if (!ws) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.resolve(ws.dispose()).catch(() => undefined), new Promise<void>((r) => (timer = setTimeout(r, 2000)))]);
    clearTimeout(timer);
  }
}
