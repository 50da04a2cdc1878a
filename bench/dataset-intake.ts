// Benchmark: dataset uploads through the built api (its own process), honest and hostile. For each case: the time to
// the answer, the api's peak RSS, and the worst lag another client saw polling a cheap query every 20 ms (a stalled
// event loop shows there). Beside it, the bare peer: system `tar`/`unzip` extracting the same archive.
// Prints figures; asserts nothing. Run: npm run build && node dist/bench/dataset-intake.js [--cases a,b] [--api main.js]
import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import { create as tarCreate } from 'tar';
import { badRows, deflatedZeros, tarFile, type TarEntry, zipOf } from '../apps/api/test/support/archives';
import { type ApiProcess, startApi, stopApi } from './api-process';

const MiB = 1024 * 1024;
const COCO128 = resolve(__dirname, '../../assets/datasets/coco128');

interface Case {
  name: string;
  /** Writes the archive; returns its path. */
  build(dir: string): Promise<string>;
  query: string;
}

async function tinyPng(): Promise<Buffer> {
  return sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } })
    .png()
    .toBuffer();
}

const CASES: Case[] = [
  {
    name: 'coco128 (tar, 128 images)',
    query: 'name=coco128&format=YOLO&classNames=coco80',
    build: async (dir) => {
      const file = join(dir, 'coco128.tar');
      await tarCreate({ file, cwd: resolve(COCO128, '..') }, ['coco128']);
      return file;
    },
  },
  {
    name: 'tiny files (tar.gz, 75,000 8x8 PNGs + 75,000 labels)',
    query: 'name=tiny&format=YOLO&classNames=coco80',
    build: async (dir) => {
      const png = await tinyPng();
      const n = 75_000;
      const entries: TarEntry[] = [];
      for (let i = 0; i < n; i++) entries.push({ name: `images/train/${String(i).padStart(6, '0')}.png`, data: png });
      for (let i = 0; i < n; i++) entries.push({ name: `labels/train/${String(i).padStart(6, '0')}.txt`, data: '0 0.5 0.5 0.25 0.25\n' });
      return moveTo(dir, await tarFile(entries));
    },
  },
  {
    name: 'label file of 20 MB of bad rows (tar.gz, ~20x)',
    query: 'name=rows&format=YOLO&classNames=coco80',
    build: async (dir) =>
      moveTo(
        dir,
        await tarFile([
          { name: 'images/val/a.png', data: await tinyPng() },
          { name: 'labels/val/a.txt', size: 20 * MiB, chunks: () => badRows(20 * MiB, 32) },
        ]),
      ),
  },
  {
    name: 'label file of 200 MB of bad rows (tar.gz, ~300x)',
    query: 'name=rows&format=YOLO&classNames=coco80',
    build: async (dir) =>
      moveTo(
        dir,
        await tarFile([
          { name: 'images/val/a.png', data: await tinyPng() },
          { name: 'labels/val/a.txt', size: 200 * MiB, chunks: () => badRows(200 * MiB, 512) },
        ]),
      ),
  },
  {
    name: '1 GiB of zeros named .jpg (zip, 16 x 64 MiB)',
    query: 'name=zeros&format=YOLO&classNames=coco80',
    build: async (dir) => {
      const zeros = await deflatedZeros(64 * MiB);
      const file = join(dir, 'zeros.zip');
      writeFileSync(file, zipOf(Array.from({ length: 16 }, (_, i) => ({ name: `images/val/zero${i}.jpg`, deflated: zeros }))));
      return file;
    },
  },
];

function moveTo(dir: string, file: string): string {
  const dest = join(dir, file.split('/').pop()!);
  execFileSync('mv', [file, dest]);
  rmSync(resolve(file, '..'), { recursive: true, force: true });
  return dest;
}

function statusKb(pid: number, key: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${key}:`));
    return line ? Number(line.split(/\s+/)[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Polls `{ datasets { totalCount } }` every 20 ms; a round's lag is how long after it was due its answer came. */
function poller(url: string): { stop(): Promise<{ maxLagMs: number; rounds: number; failed: number }> } {
  let stopped = false;
  let maxLagMs = 0;
  let rounds = 0;
  let failed = 0;
  const loop = (async () => {
    let due = performance.now();
    while (!stopped) {
      try {
        const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ datasets(first: 1) { totalCount } }"}', signal: AbortSignal.timeout(60_000) });
        await r.text();
        if (!r.ok) failed++;
      } catch {
        failed++;
      }
      // Measured for every round, the one that outlasts the upload included (a stalled api answers late, or never).
      const now = performance.now();
      maxLagMs = Math.max(maxLagMs, now - due);
      rounds++;
      due = now + 20;
      await sleep(20);
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return { maxLagMs, rounds, failed };
    },
  };
}

/** POSTs the archive with node:http (fetch gives up on an answer after 300 s; the old intake took longer). */
function upload(url: string, archive: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'content-length': statSync(archive).size } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    createReadStream(archive).pipe(req);
  });
}

function bareExtract(archive: string): number {
  const out = mkdtempSync(join(tmpdir(), 'podium-bare-'));
  const t0 = performance.now();
  try {
    if (archive.endsWith('.zip')) execFileSync('unzip', ['-qq', archive, '-d', out]);
    else execFileSync('tar', ['-xf', archive, '-C', out]);
    return (performance.now() - t0) / 1000;
  } catch {
    return Number.NaN;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function runCase(c: Case, archive: string, main: string | undefined): Promise<Record<string, unknown>> {
  const api: ApiProcess = await startApi({}, { main });
  const pid = api.proc.pid!;
  const base = statusKb(pid, 'VmRSS') ?? 0;
  // The lag another client sees with nothing to do: this machine's noise floor for the figure below.
  const idle = poller(api.url);
  await sleep(3000);
  const idleLag = await idle.stop();
  const poll = poller(api.url);
  await sleep(200);
  const t0 = performance.now();
  let status: number | string;
  let answer = '';
  try {
    ({ status, body: answer } = await upload(`${api.url.replace('/graphql', '')}/datasets/upload?${c.query}`, archive));
  } catch (e) {
    status = `no answer (${(e as Error).message})`;
  }
  const seconds = (performance.now() - t0) / 1000;
  const peakKb = statusKb(pid, 'VmHWM');
  const lag = await poll.stop();
  await sleep(500);
  const alive = api.proc.exitCode === null && api.proc.signalCode === null;
  const workLeft = (() => {
    try {
      return readdirSync(join(api.dataDir, 'tmp', 'datasets')).length;
    } catch {
      return 0;
    }
  })();
  if (alive) await stopApi(api);
  else rmSync(api.dataDir, { recursive: true, force: true });
  let message = answer;
  try {
    const body = JSON.parse(answer);
    message = body.error ? `${body.error.code}: ${body.error.message}` : `registered ${body.counts?.images} images, ${body.sizeBytes} bytes`;
  } catch {
    // not json
  }
  return {
    case: c.name,
    archiveBytes: statSync(archive).size,
    status,
    seconds: Number(seconds.toFixed(2)),
    peakRssMiB: peakKb ? Math.round(peakKb / 1024) : null,
    idleRssMiB: Math.round(base / 1024),
    maxClientLagMs: Math.round(lag.maxLagMs),
    idleMaxClientLagMs: Math.round(idleLag.maxLagMs),
    pollRounds: lag.rounds,
    pollFailures: lag.failed,
    apiAlive: alive,
    workFoldersLeft: workLeft,
    answer: message.length > 160 ? `${message.slice(0, 160)}…` : message,
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const main = arg('--api') ? resolve(arg('--api')!) : undefined;
  const only = arg('--cases')?.split(',').map(Number);
  const dir = mkdtempSync(join(tmpdir(), 'podium-intake-bench-'));
  console.log(`node ${process.version}, ${main ?? 'dist/apps/api/src/main.js'}; cases: ${CASES.map((c, i) => `${i} ${c.name}`).join('; ')}`);
  try {
    for (const [i, c] of CASES.entries()) {
      if (only && !only.includes(i)) continue;
      const archive = await c.build(dir);
      const bare = bareExtract(archive);
      const row = await runCase(c, archive, main);
      console.log(JSON.stringify({ ...row, bareExtractSeconds: Number(bare.toFixed(2)), apiOverBare: Number((Number(row.seconds) / bare).toFixed(1)) }));
      rmSync(archive, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
