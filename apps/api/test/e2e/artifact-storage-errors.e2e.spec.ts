// The store's file-system errors, produced for real and answered with clear codes: the built api (dist/) in its own
// process, its artifact store on a 1 MiB tmpfs (ENOSPC), a read-only one (EROFS), both mounted in a user and mount
// namespace of its own (`unshare -rm`, no privilege needed), and a store it may not write (EACCES: run as `nobody`
// when the tests run as root, else a folder without write permission). Each upload gets its typed answer, leaves
// nothing in the store, and the api goes on serving. SQLite only: no database is on these paths.
// Needs `npm run build` first (npm test does).
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiProcess, startApi, stopApi } from '../../../../bench/api-process';

/** Whether this machine lets an unprivileged process mount a tmpfs in namespaces of its own. */
function canMountInNamespace(): boolean {
  const probe = mkdtempSync(join(tmpdir(), 'podium-ns-'));
  try {
    return spawnSync('unshare', ['-rm', 'sh', '-c', `mount -t tmpfs -o size=64k tmpfs "${probe}"`], { stdio: 'ignore' }).status === 0;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

const NAMESPACES = canMountInNamespace();

describe('artifact storage errors (api from dist/ on a real failing file system)', () => {
  let api: ApiProcess | undefined;
  afterEach(async () => {
    if (api) await stopApi(api);
    api = undefined;
  });

  /** Starts the api with `folder` of its data dir (the artifact store by default) on a tmpfs mounted with `options` in its own namespaces. */
  const startOnTmpfs = async (options: string, env: (store: string) => Record<string, string> = () => ({}), folder = 'artifacts') => {
    const dataDir = mkdtempSync(join(tmpdir(), 'podium-fs-'));
    const store = join(dataDir, folder);
    mkdirSync(store);
    // `$0 "$@"`: node and its arguments, exec'd so the api keeps the pid (its view of the mount is /proc/<pid>/root).
    api = await startApi(env(store), { dataDir, wrap: ['unshare', '-rm', 'sh', '-c', `mount -t tmpfs -o ${options} tmpfs "${store}" && exec "$0" "$@"`] });
    return { base: api.url.replace(/\/graphql$/, ''), store: `/proc/${api.proc.pid}/root${store}` };
  };
  const newRun = async (base: string) => {
    const gql = async (query: string, variables?: unknown) =>
      ((await (await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) })).json()) as { data: any }).data;
    const experimentId = (await gql('mutation { createExperiment(input: { name: "fs" }) { id } }')).createExperiment.id;
    return (await gql('mutation($e: ID!) { createRun(input: { experimentId: $e }) { id } }', { e: experimentId })).createRun.id as string;
  };

  it('answers an upload that fills the disk with 507 INSUFFICIENT_STORAGE, keeps nothing of it, and stores the next one', async (ctx) => {
    if (!NAMESPACES) return ctx.skip();
    const { base, store } = await startOnTmpfs('size=1m');
    const runId = await newRun(base);
    const res = await upload(`${base}/artifacts/${runId}/too-big.bin`, Buffer.alloc(2 * 1024 * 1024, 7), 'enospc-1');
    expect(res.status).toBe(507);
    expect(JSON.parse(res.body).error).toEqual({ code: 'INSUFFICIENT_STORAGE', message: "The server's storage is full (ENOSPC); nothing was stored", errno: 'ENOSPC' });
    expect(readdirSync(join(store, '.incoming'))).toEqual([]);
    expect(existsSync(join(store, 'blobs'))).toBe(false);
    expect(api!.log()).toContain('[request enospc-1] PUT');
    const small = await upload(`${base}/artifacts/${runId}/fits.bin`, Buffer.alloc(100 * 1024, 1), 'enospc-2');
    expect(small.status).toBe(201);
    expect((await fetch(`${base}/artifacts/${runId}/fits.bin`)).status).toBe(200);
  });

  it('answers a dataset upload that fills the disk with 507 INSUFFICIENT_STORAGE too (datasets answer errors the same way)', async (ctx) => {
    if (!NAMESPACES) return ctx.skip();
    // The dataset upload is spooled to the data dir's work folder first (<dataDir>/tmp/datasets): put that on the full disk.
    const { base } = await startOnTmpfs('size=1m', () => ({}), 'tmp');
    const res = await upload(`${base}/datasets/upload?name=full&format=YOLO`, Buffer.alloc(2 * 1024 * 1024, 7), 'enospc-dataset-1');
    expect(res.status).toBe(507);
    expect(JSON.parse(res.body).error).toMatchObject({ code: 'INSUFFICIENT_STORAGE', message: "The server's storage is full (ENOSPC); nothing was stored" });
    expect(api!.log()).toContain('[request enospc-dataset-1] POST /datasets/upload');
  });

  it('answers an upload to a read-only store with 503 STORAGE_UNAVAILABLE and goes on serving', async (ctx) => {
    if (!NAMESPACES) return ctx.skip();
    const { base } = await startOnTmpfs('ro,size=1m');
    const runId = await newRun(base);
    const res = await upload(`${base}/artifacts/${runId}/x.bin`, Buffer.from('bytes'), 'erofs-1');
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body).error).toEqual({ code: 'STORAGE_UNAVAILABLE', message: "The server's storage is read-only (EROFS)", errno: 'EROFS' });
    expect(api!.log()).toContain('[request erofs-1] PUT');
    expect((await fetch(`${base}/artifacts/${runId}/x.bin`)).status).toBe(404);
  });

  it('answers an upload to a store it may not write with 503 STORAGE_UNAVAILABLE', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'podium-fs-'));
    const store = join(dataDir, 'artifacts');
    mkdirSync(store);
    const root = process.getuid?.() === 0;
    if (root) {
      // The data folder is the api's (nobody's); the store stays root's, 0755: nobody may not write it.
      chownSync(dataDir, 65534, 65534);
    } else {
      chmodSync(store, 0o555);
    }
    api = await startApi({}, { dataDir, ...(root ? { uid: 65534, gid: 65534 } : {}) });
    const base = api.url.replace(/\/graphql$/, '');
    const runId = await newRun(base);
    const res = await upload(`${base}/artifacts/${runId}/x.bin`, Buffer.from('bytes'), 'eacces-1');
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body).error).toEqual({ code: 'STORAGE_UNAVAILABLE', message: 'The server is not permitted to use its storage (EACCES)', errno: 'EACCES' });
    expect(readdirSync(store)).toEqual([]);
    chmodSync(store, 0o755);
  });
});

/** A PUT with a Content-Length; the server may answer before the whole body is sent. */
function upload(url: string, body: Buffer, requestId: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = httpRequest(url, { method: url.includes('/datasets/') ? 'POST' : 'PUT', headers: { 'content-length': String(body.length), 'x-request-id': requestId } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : fail(e)));
    req.end(body);
  });
}
