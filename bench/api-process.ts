// What the benchmarks share: the built api started in its own process (so clients and server do not share a thread),
// its CPU time, and a GraphQL POST.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { Client } from 'pg';

export interface ApiProcess {
  url: string;
  proc: ChildProcess;
  dataDir: string;
  /** What the process has printed so far (stdout and stderr). */
  log(): string;
}

export interface StartOptions {
  /** Reuse this data directory (a restart after a crash) instead of a fresh one. */
  dataDir?: string;
  /** Node options before the script (e.g. `--require` a fault module). */
  nodeArgs?: string[];
  /** A command that runs node for it (node and its arguments follow), e.g. `unshare` with a mount set up first. */
  wrap?: string[];
  /** Run it as this user and group (needs root): a fault test without the right to write its storage. */
  uid?: number;
  gid?: number;
  /** The api entry to run instead of this checkout's dist/ (an older build, to compare with). */
  main?: string;
}

/** dist/ of the repository, whether this file runs compiled (dist/bench/) or from source (a vitest suite). */
const DIST = basename(resolve(__dirname, '..')) === 'dist' ? resolve(__dirname, '..') : resolve(__dirname, '../dist');

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

/**
 * Starts dist/apps/api/src/main.js (or `opts.main`, e.g. an older build to compare with) on a free port with a fresh
 * data directory; `env` adds to (or overrides) the bench settings.
 */
export async function startApi(env: Record<string, string> = {}, opts: StartOptions = {}): Promise<ApiProcess> {
  const port = await freePort();
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'podium-bench-'));
  // PODIUM_BENCH_NODE_ARGS (e.g. "--cpu-prof") profiles the api process.
  const nodeArgs = [...(process.env.PODIUM_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), ...(opts.nodeArgs ?? [])];
  const command = [...(opts.wrap ?? []), process.execPath, ...nodeArgs, opts.main ?? join(DIST, 'apps/api/src/main.js')];
  const proc = spawn(command[0], command.slice(1), {
    uid: opts.uid,
    gid: opts.gid,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      PODIUM_DATA_DIR: dataDir,
      PODIUM_AUTH: 'local',
      PODIUM_LOCAL_WORKER: 'false',
      PODIUM_SEED_DEMO: 'false',
      PODIUM_MUTATION_RATE_LIMIT: '100000000',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stdout!.on('data', (d) => (log += d));
  proc.stderr!.on('data', (d) => (log += d));
  proc.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM' && signal !== 'SIGKILL') console.error(`api exited (${code ?? signal}): ${log.slice(-2000)}`);
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) throw new Error(`api exited: ${log}`);
    try {
      const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ serverInfo { database } }"}' });
      if (r.ok) return { url, proc, dataDir, log: () => log };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill('SIGKILL');
  throw new Error(`api did not start: ${log}`);
}

export async function stopApi(api: ApiProcess, opts: { keepDataDir?: boolean } = {}): Promise<void> {
  if (api.proc.exitCode === null && api.proc.signalCode === null) {
    const exited = new Promise((r) => api.proc.once('exit', r));
    api.proc.kill('SIGTERM');
    await exited;
  }
  if (!opts.keepDataDir) rmSync(api.dataDir, { recursive: true, force: true });
}

/** CPU seconds (user + system) a process has used, from /proc (Linux; clock ticks of 10 ms); undefined elsewhere. */
export function cpuSecondsOf(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** POSTs one operation; GraphQL errors throw. */
export async function gql(url: string, query: string, variables: unknown): Promise<any> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await r.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** Runs `work` with the URL of a fresh PostgreSQL database created from `adminUrl`, dropped afterwards; undefined when PostgreSQL does not answer. */
export async function withPostgresDatabase<T>(adminUrl: string, work: (url: string) => Promise<T>): Promise<T | undefined> {
  const admin = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  const name = `podium_bench_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    return await work(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
