// Benchmark: 1,000 graphql-ws subscribers of `metricLogged` on one run: publish → receive latency (p50/p99) and
// messages/s delivered. The api runs in its own process; the subscribers share this one. Prints figures; asserts nothing.
// Run: npm run build && node dist/bench/fanout.js [subscribers=1000] [rounds=50] [replicas]
// `replicas`: on PostgreSQL (PODIUM_TEST_POSTGRES_URL) and Redis (PODIUM_TEST_REDIS_URL), one api replica first
// (writer and every subscriber on it), then two (the writer on A, the subscribers split between A and B; docs/scaled.md).
// Then, in either mode, the bare peer (bench/fanout-peer.ts): the same clients and rounds against a plain ws server.
import { createClient, type Client } from 'graphql-ws';
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { type ApiProcess, cpuSecondsOf, gql, startApi, stopApi, withPostgresDatabase } from './api-process';

const SUBSCRIBERS = Number(process.argv[2] ?? 1000);
const ROUNDS = Number(process.argv[3] ?? 50);
const REPLICAS = process.argv[4] === 'replicas';
const BURST_BATCHES = 20;
const BURST_POINTS = 10;

const LOG = 'mutation($input: LogMetricsInput!) { logMetrics(input: $input) { lastSequence } }';
const SUBS = {
  point: 'subscription($runId: ID!, $after: Int) { metricLogged(runId: $runId, afterSequence: $after) { sequence step value } }',
  batch: 'subscription($runId: ID!, $after: Int) { metricBatchLogged(runId: $runId, afterSequence: $after) { lastSequence points { sequence step value } } }',
};
type Mode = keyof typeof SUBS;

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

const load = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;

async function main(): Promise<void> {
  if (REPLICAS) await replicas();
  else {
    const api = await startApi();
    try {
      for (const mode of ['point', 'batch'] as Mode[]) await runCase(api.url, [api.url], api.proc.pid!, mode);
    } finally {
      await stopApi(api);
    }
  }
  await peerCase();
}

/**
 * The bare peer (bench/fanout-peer.ts, its own process): the same number of WebSocket clients in this process, one
 * message each per HTTP call, the same rounds and spacing; latency from just before the call to each arrival.
 */
async function peerCase(): Promise<void> {
  const peer = spawn(process.execPath, [join(__dirname, 'fanout-peer.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      peer.stdout!.once('data', (d: Buffer) => resolve((JSON.parse(d.toString()) as { port: number }).port));
      peer.once('exit', (code) => reject(new Error(`the peer exited (${code})`)));
    });
    const sentAt = new Map<number, number>();
    const latencies: number[] = [];
    let received = 0;
    const waiters: { n: number; resolve: () => void }[] = [];
    const until = (n: number) => new Promise<void>((r) => (received >= n ? r() : waiters.push({ n, resolve: r })));
    const sockets: WebSocket[] = [];
    for (let i = 0; i < SUBSCRIBERS; i += 100) {
      const wave = Array.from({ length: Math.min(100, SUBSCRIBERS - i) }, () => new WebSocket(`ws://127.0.0.1:${port}`));
      await Promise.all(wave.map((s) => new Promise((r, j) => s.once('open', r).once('error', j))));
      sockets.push(...wave);
    }
    for (const s of sockets)
      s.on('message', (data: Buffer) => {
        const now = performance.now();
        const seq = (JSON.parse(data.toString()) as { payload: { data: { metricLogged: { sequence: number } } } }).payload.data.metricLogged.sequence;
        const t = sentAt.get(seq);
        if (t !== undefined) latencies.push(now - t);
        received++;
        for (const w of waiters) if (received >= w.n) w.resolve();
      });
    for (let r = 0; r < ROUNDS; r++) {
      sentAt.set(r, performance.now());
      await fetch(`http://127.0.0.1:${port}/send?seq=${r}`, { method: 'POST' });
      await until(SUBSCRIBERS * (r + 1));
      await new Promise((res) => setTimeout(res, 20));
    }
    latencies.sort((a, b) => a - b);
    console.log(`bare peer (a plain ws server in its own process, no GraphQL, no database, no bus): ${SUBSCRIBERS} WebSocket clients, one message each per HTTP call; ${load()}`);
    console.log(
      `latency HTTP call sent → message received: p50 ${quantile(latencies, 0.5).toFixed(1)} ms, p99 ${quantile(latencies, 0.99).toFixed(1)} ms, max ${latencies[latencies.length - 1].toFixed(1)} ms over ${latencies.length} deliveries`,
    );
    for (const s of sockets) s.terminate();
  } finally {
    peer.kill('SIGTERM');
  }
}

/** One replica, then two, on the same PostgreSQL database and Redis: the figures side by side. */
async function replicas(): Promise<void> {
  const pgUrl = process.env.PODIUM_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const env = (databaseUrl: string) => ({ DATABASE_URL: databaseUrl, REDIS_URL: process.env.PODIUM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379' });
  const ran = await withPostgresDatabase(pgUrl, async (databaseUrl) => {
    const apis: ApiProcess[] = [];
    try {
      apis.push(await startApi(env(databaseUrl)));
      console.log(`--- one api replica (PostgreSQL + Redis): writer and ${SUBSCRIBERS} subscribers on it`);
      await runCase(apis[0].url, [apis[0].url], apis[0].proc.pid!, 'point');
      apis.push(await startApi(env(databaseUrl)));
      console.log(`--- two api replicas (PostgreSQL + Redis): writer on A, ${SUBSCRIBERS / 2} subscribers on A and ${SUBSCRIBERS / 2} on B`);
      await runCase(
        apis[0].url,
        apis.map((a) => a.url),
        apis[0].proc.pid!,
        'point',
      );
    } finally {
      await Promise.all(apis.map((a) => stopApi(a)));
    }
    return true;
  });
  if (!ran) console.log(`PostgreSQL does not answer at ${pgUrl}: the replicas case needs it (and Redis)`);
}

/**
 * `point`: metricLogged (one message per point); `batch`: metricBatchLogged (one message per committed batch). The
 * writer logs through `url`; subscriber i connects to `subscribeUrls[i % n]`.
 */
async function runCase(url: string, subscribeUrls: string[], pid: number, mode: Mode): Promise<void> {
  const exp = await gql(url, 'mutation($n: String!) { createExperiment(input: { name: $n }) { id } }', { n: `fanout-${mode}-${subscribeUrls.length}` });
  const runId = (await gql(url, 'mutation($e: ID!) { createRun(input: { experimentId: $e }) { id } }', { e: exp.createExperiment.id })).createRun.id;
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  const counts = new Int32Array(SUBSCRIBERS);
  let received = 0;
  let measuring = false;
  let lastReceiveAt = 0;
  const clients: Client[] = [];
  let subscriberErrors = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  /** Counts points (not messages) so both modes wait for the same thing. */
  const onMessage = (i: number, seqs: number[]) => {
    const now = performance.now();
    counts[i] += seqs.length;
    received += seqs.length;
    messages++;
    lastReceiveAt = now;
    for (const seq of seqs) {
      const t = sentAt.get(seq);
      if (measuring && t !== undefined) latencies.push(now - t);
    }
    for (const w of waiters) if (received >= w.n) w.resolve();
  };
  let messages = 0;
  const until = (n: number) => new Promise<void>((r) => (received >= n ? r() : waiters.push({ n, resolve: r })));
  // Connected in waves of 100: a thousand handshakes at once on a loaded machine miss graphql-ws's init timeout.
  let connected = Promise.resolve();
  for (let i = 0; i < SUBSCRIBERS; i++) {
    if (i % 100 === 0) await connected;
    const c = createClient({ url: subscribeUrls[i % subscribeUrls.length].replace('http', 'ws'), webSocketImpl: WebSocket, retryAttempts: 5, lazy: false, onNonLazyError: () => subscriberErrors++ });
    clients.push(c);
    connected = Promise.all([connected, new Promise<void>((r) => c.on('connected', () => r()))]).then(() => undefined);
    c.subscribe<any>(
      { query: SUBS[mode], variables: { runId, after: 0 } },
      {
        next: (v) => onMessage(i, mode === 'point' ? [v.data.metricLogged.sequence] : v.data.metricBatchLogged.points.map((p: { sequence: number }) => p.sequence)),
        error: () => subscriberErrors++,
        complete: () => undefined,
      },
    );
  }
  // Every subscriber is live once it has received a warm-up point.
  let seq = (await gql(url, LOG, { input: { runId, metrics: [{ key: 'warm', value: 0, step: 0 }] } })).logMetrics.lastSequence;
  await until(SUBSCRIBERS);
  console.log(
    `fanout (${mode === 'point' ? 'metricLogged, one message per point' : 'metricBatchLogged, one message per batch'}): ${SUBSCRIBERS} graphql-ws subscribers (one connection each) on one run, ${subscribeUrls.length} api replica(s)`,
  );

  // Latency: one point per logMetrics, spaced so deliveries do not queue behind each other.
  measuring = true;
  for (let r = 0; r < ROUNDS; r++) {
    sentAt.set(seq + 1, performance.now());
    seq = (await gql(url, LOG, { input: { runId, metrics: [{ key: 'map50', value: r / ROUNDS, step: r }] } })).logMetrics.lastSequence;
    await until(SUBSCRIBERS * (r + 2));
    await new Promise((res) => setTimeout(res, 20));
  }
  measuring = false;
  latencies.sort((a, b) => a - b);
  console.log(`node ${process.version}, api NODE_ENV=${process.env.NODE_ENV ?? 'unset'}, ${load()}`);
  console.log(
    `latency logMetrics sent → point received (includes the HTTP call and the commit): p50 ${quantile(latencies, 0.5).toFixed(1)} ms, p99 ${quantile(latencies, 0.99).toFixed(1)} ms, max ${latencies[latencies.length - 1].toFixed(1)} ms over ${latencies.length} deliveries`,
  );

  // Throughput: a burst of batches; messages/s until the last subscriber has the last point.
  const before = received;
  const messagesBefore = messages;
  const expected = SUBSCRIBERS * BURST_BATCHES * BURST_POINTS;
  const cpu0 = cpuSecondsOf(pid);
  const t0 = performance.now();
  for (let b = 0; b < BURST_BATCHES; b++) {
    await gql(url, LOG, { input: { runId, metrics: Array.from({ length: BURST_POINTS }, (_, i) => ({ key: 'loss', value: i, step: b * BURST_POINTS + i })) } });
  }
  await until(before + expected);
  const seconds = (lastReceiveAt - t0) / 1000;
  const sent = messages - messagesBefore;
  const cpu1 = cpuSecondsOf(pid);
  const apiCpu = cpu0 === undefined || cpu1 === undefined ? 'unknown' : `${(cpu1 - cpu0).toFixed(2)} s (${Math.round(sent / (cpu1 - cpu0)).toLocaleString('en-US')} messages per api CPU-second)`;
  console.log(
    `throughput: ${expected.toLocaleString('en-US')} points (${BURST_BATCHES} batches × ${BURST_POINTS} points × ${SUBSCRIBERS} subscribers) in ${sent.toLocaleString('en-US')} messages, ${seconds.toFixed(2)} s: ${Math.round(sent / seconds).toLocaleString('en-US')} messages/s, ${Math.round(expected / seconds).toLocaleString('en-US')} points/s delivered; api CPU ${apiCpu}`,
  );
  const min = Math.min(...counts);
  const max = Math.max(...counts);
  console.log(`${load()}; per-subscriber messages: min ${min}, max ${max} (expected ${1 + ROUNDS + BURST_BATCHES * BURST_POINTS} each)`);
  if (subscriberErrors) console.log(`subscriber errors: ${subscriberErrors}`);
  await Promise.all(clients.map((c) => c.dispose()));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
