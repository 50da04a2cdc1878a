/**
 * Does host decoding scale with cores on this machine, and if not, is the limit inside the process or the machine?
 * COCO128's JPEG bytes are read into memory once; the pipeline's own `decodeLetterboxed` then runs on them with:
 *   - one process whose libuv pool has N threads (N + 4 decodes in flight), for N = 1, 2, 4, … up to the cores;
 *   - N processes with one libuv thread each, at the same time (their images/s summed).
 * Threads that plateau while processes keep scaling point at a lock inside the process (libvips, the allocator);
 * both plateauing points at the machine (a CPU quota, memory bandwidth, noisy neighbours). Then the pipeline's own
 * DecodePool from files, as an evaluation uses it: N decode threads (this process's libuv pool at the core count)
 * against N decode processes (the pixels copied back over IPC), 4 images in flight per helper. JSON lines on stdout.
 *   node dist/bench/worker-decode-scaling.js [--imgsz 640] [--seconds 3] [--max N] [--no-pool]
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { configureSharp, decodeLetterboxed } from '../apps/gpu-worker/src/pipeline/decode-image';
import { DecodePool } from '../apps/gpu-worker/src/pipeline/decode-pool';
import type { HelperKind } from '../apps/gpu-worker/src/threads/channel';
import { relaunchWithThreadPool } from '../apps/gpu-worker/src/thread-pool-size';
import { yoloFolders } from './worker-dataset';

const argv = process.argv.slice(2);
const option = (name: string, fallback: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);

/** Child: decode for `seconds` at `inFlight` concurrency, print images/s and the CPU time it used. */
async function child(imgsz: number, seconds: number, inFlight: number): Promise<void> {
  configureSharp();
  const { imagesDir } = yoloFolders(resolve('assets/datasets/coco128'));
  const bytes = readdirSync(imagesDir)
    .filter((f) => /\.(jpe?g|png)$/i.test(f))
    .sort()
    .map((f) => readFileSync(join(imagesDir, f)));
  // Warm-up: one pass (thread start, JIT, allocator arenas).
  await Promise.all(bytes.map((b) => decodeLetterboxed(b, imgsz, 'center')));
  const switchesBefore = contextSwitches();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let done = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < deadline) {
        await decodeLetterboxed(bytes[next++ % bytes.length], imgsz, 'center');
        done++;
      }
    }),
  );
  const wall = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const switches = contextSwitches() - switchesBefore;
  console.log(JSON.stringify({ images: done, imagesPerSecond: done / wall, cpuMsPerImage: (cpu.user + cpu.system) / 1000 / done, switchesPerImage: switches / done }));
}

/**
 * Context switches of all this process's threads (Linux): libvips hands each image's strips between the calling
 * thread and its worker, about a hundred sleeps and wake-ups an image, which a virtual machine pays for dearly.
 */
function contextSwitches(): number {
  try {
    let total = 0;
    for (const task of readdirSync('/proc/self/task')) {
      const status = readFileSync(`/proc/self/task/${task}/status`, 'utf8');
      for (const m of status.matchAll(/^(?:non)?voluntary_ctxt_switches:\s+(\d+)/gm)) total += Number(m[1]);
    }
    return total;
  } catch {
    return Number.NaN;
  }
}

function runChild(imgsz: number, seconds: number, uvThreads: number): Promise<{ imagesPerSecond: number; cpuMsPerImage: number; switchesPerImage: number }> {
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(process.execPath, [__filename, '--child', '--imgsz', String(imgsz), '--seconds', String(seconds), '--in-flight', String(uvThreads + 4)], {
      env: { ...process.env, UV_THREADPOOL_SIZE: String(uvThreads) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code !== 0 || !line) reject(new Error(`decode child exited with ${code}: ${out}`));
      else resolvePromise(JSON.parse(line));
    });
  });
}

/** The pipeline's DecodePool over COCO128's files for `seconds` (after one warm-up pass): images/s. */
async function poolRate(imgsz: number, seconds: number, helpers: number, kind: HelperKind): Promise<number> {
  const { imagesDir } = yoloFolders(resolve('assets/datasets/coco128'));
  const files = readdirSync(imagesDir)
    .filter((f) => /\.(jpe?g|png)$/i.test(f))
    .sort()
    .map((f) => join(imagesDir, f));
  const pool = new DecodePool({ helpers, kind });
  try {
    await Promise.all(files.map((f) => pool.decode(f, imgsz, 'center')));
    const deadline = performance.now() + seconds * 1000;
    const started = performance.now();
    let done = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 * helpers }, async () => {
        while (performance.now() < deadline) {
          await pool.decode(files[next++ % files.length], imgsz, 'center');
          done++;
        }
      }),
    );
    return done / ((performance.now() - started) / 1000);
  } finally {
    await pool.close();
  }
}

async function main(): Promise<void> {
  const imgsz = option('--imgsz', 640);
  const seconds = option('--seconds', 3);
  if (argv.includes('--child')) return child(imgsz, seconds, option('--in-flight', 8));
  const cores = cpus().length;
  const max = option('--max', cores);
  const levels = [1, 2, 4, 8, 16, 32, 64].filter((n) => n <= max);
  if (!levels.includes(max)) levels.push(max);
  const round = (x: number) => Math.round(x * 10) / 10;
  for (const n of levels) {
    if (!argv.includes('--no-pool')) {
      const poolThreads = await poolRate(imgsz, seconds, n, 'thread');
      const poolProcesses = await poolRate(imgsz, seconds, n, 'process');
      console.log(
        JSON.stringify({
          bench: 'worker-decode-pool',
          imgsz,
          cores,
          n,
          uvThreads: Number(process.env.UV_THREADPOOL_SIZE),
          poolThreadsImagesPerSecond: round(poolThreads),
          poolProcessesImagesPerSecond: round(poolProcesses),
        }),
      );
    }
    const threads = await runChild(imgsz, seconds, n);
    const processes = await Promise.all(Array.from({ length: n }, () => runChild(imgsz, seconds, 1)));
    const summed = processes.reduce((s, p) => s + p.imagesPerSecond, 0);
    console.log(
      JSON.stringify({
        bench: 'worker-decode-scaling',
        imgsz,
        cores,
        n,
        threadsImagesPerSecond: round(threads.imagesPerSecond),
        threadsCpuMsPerImage: round(threads.cpuMsPerImage),
        threadsSwitchesPerImage: Math.round(threads.switchesPerImage),
        processesImagesPerSecond: round(summed),
        processesCpuMsPerImage: round(processes.reduce((s, p) => s + p.cpuMsPerImage, 0) / n),
      }),
    );
  }
}

// The decode threads share this process's libuv pool, sized at start (see thread-pool-size.ts); the children say theirs.
if (argv.includes('--child') || !relaunchWithThreadPool()) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
