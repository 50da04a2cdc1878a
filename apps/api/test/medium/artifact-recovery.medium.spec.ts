// What a crash leaves in the artifact store, and a store of the earlier layout, settled when the api starts again (a
// new ArtifactsService on the same database and store directory, through its bootstrap hook): real SQLite and
// PostgreSQL through the migrations, real files. Each crash state is made by the store's own steps, stopped where
// the process would die.
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactEntity } from '../../src/artifacts/artifact.entity';
import { FOREIGN_TEMP_GRACE_MS } from '../../src/artifacts/artifact-store';
import { FsArtifactStore as ArtifactStore } from '../../src/artifacts/fs-artifact-store';
import { ArtifactsRepository } from '../../src/artifacts/artifacts.repository';
import { ArtifactsService } from '../../src/artifacts/artifacts.service';
import type { Database } from '../../src/database/database';
import { createPodiumPubSub } from '../../src/graphql/pubsub';
import { createTestDatabase, DIALECTS, type TestDatabase, openDatabase } from '../support/databases';
import { seedTrainingRun } from '../support/seed';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const MAX_BYTES = 1024 * 1024;
const HOST =
  hostname()
    .replace(/[^A-Za-z0-9.-]/g, '_')
    .slice(0, 64) || 'host';

describe.each(DIALECTS)('artifact store recovery on %s', (dialect) => {
  let tdb: TestDatabase | undefined;
  let db: Database;
  let store: ArtifactStore;
  let artifacts: ArtifactsService;
  let runId: string;

  const service = () => new ArtifactsService({ artifactMaxBytes: MAX_BYTES }, db, new ArtifactsRepository(db), new ArtifactStore(tdb!.config), createPodiumPubSub());

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
    if (!tdb) return;
    db = await openDatabase(tdb.config);
    store = new ArtifactStore(tdb.config);
    artifacts = service();
    ({ runId } = await seedTrainingRun(db, 'recovery'));
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  const body = (text: string) => Readable.from([Buffer.from(text)]);
  const put = (path: string, text: string) => artifacts.put(runId, path, body(text), { actor: 'tester', contentType: 'text/plain' });
  const download = async (path: string) => {
    const { row, stream } = await artifacts.open(runId, path);
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    return { row, text: Buffer.concat(chunks).toString('utf8') };
  };
  const incomingDir = () => join(store.root, '.incoming');
  const temp = () => (existsSync(incomingDir()) ? readdirSync(incomingDir()).sort() : []);
  const blobFile = (text: string) => join(store.root, 'blobs', sha(text).slice(0, 2), sha(text).slice(2, 4), sha(text));
  const blobs = () =>
    existsSync(join(store.root, 'blobs'))
      ? readdirSync(join(store.root, 'blobs'), { recursive: true })
          .map(String)
          .filter((p) => /[0-9a-f]{64}$/.test(p))
          .map((p) => p.slice(-64))
          .sort()
      : [];
  const referenced = async () => [...new Set((await db.read.getRepository(ArtifactEntity).find()).map((r) => r.sha256))].sort();
  /** The api starting again after the crash: a new service on the same database and store, through its bootstrap hook. */
  const restart = async () => {
    const restarted = service();
    await restarted.onApplicationBootstrap();
    await restarted.beforeApplicationShutdown();
  };
  const tempFile = (owner: string, ageMs = 0) => {
    mkdirSync(incomingDir(), { recursive: true });
    const name = `${owner}~${randomUUID()}.part`;
    writeFileSync(join(incomingDir(), name), 'partial bytes');
    const then = new Date(Date.now() - ageMs);
    utimesSync(join(incomingDir(), name), then, then);
    return name;
  };

  it('serves the committed bytes after a crash between placing a replacement and its commit, and collects the orphan blob', async (ctx) => {
    if (!tdb) return ctx.skip();
    await put('weights/best.onnx', 'committed version');
    // The crash state: the replacement's blob placed, its transaction never committed (the process died).
    const file = await new ArtifactStore(tdb.config).receive(body('uncommitted version'), MAX_BYTES);
    await store.place(file);
    expect(existsSync(blobFile('uncommitted version'))).toBe(true);
    // Before any sweep, the row still leads to the bytes it describes.
    expect(await download('weights/best.onnx')).toMatchObject({ text: 'committed version', row: { sha256: sha('committed version') } });

    await restart();

    expect(await download('weights/best.onnx')).toMatchObject({ text: 'committed version', row: { sha256: sha('committed version'), size: 17 } });
    expect(existsSync(blobFile('uncommitted version'))).toBe(false);
    expect(blobs()).toEqual(await referenced());
  });

  it('removes an upload cut off by a crash at once, whatever its age, when its process is gone', async (ctx) => {
    if (!tdb) return ctx.skip();
    // A process of this host that has exited: its pid names no live process.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    const cutOff = tempFile(`${HOST}~${deadPid}`);
    // The same pid as this process (a restarted container reuses pid 1): not among this process's uploads.
    const previousSelf = tempFile(`${HOST}~${process.pid}`);
    // A live process of this host (the test runner's parent) still writing, and another host's recent upload.
    const alive = tempFile(`${HOST}~${process.ppid}`);
    const foreign = tempFile(`other-host~123`);
    const foreignStale = tempFile(`other-host~124`, FOREIGN_TEMP_GRACE_MS + 60_000);
    const aliveStale = tempFile(`${HOST}~${process.ppid}`, FOREIGN_TEMP_GRACE_MS + 60_000);
    const notOurs = 'README.txt';
    writeFileSync(join(incomingDir(), notOurs), 'left alone');

    await restart();

    expect(temp()).toEqual([alive, foreign, notOurs].sort());
    for (const gone of [cutOff, previousSelf, foreignStale, aliveStale]) expect(existsSync(join(incomingDir(), gone))).toBe(false);
  });

  it('keeps the temp file of an upload running in this process', async (ctx) => {
    if (!tdb) return ctx.skip();
    const slow = new Readable({ read() {} });
    const push = (chunk: Buffer | null) => slow.push(chunk);
    const upload = artifacts.put(runId, 'slow.bin', slow, { actor: 'tester' });
    push(Buffer.from('first half, '));
    for (let i = 0; i < 100 && !temp().some((n) => n.startsWith(`${HOST}~${process.pid}~`)); i++) await new Promise((r) => setTimeout(r, 10));
    const running = temp().filter((n) => n.startsWith(`${HOST}~${process.pid}~`));
    expect(running).toHaveLength(1);

    const sweep = await artifacts.sweep();

    expect(sweep.tempKept).toBeGreaterThanOrEqual(1);
    expect(temp()).toContain(running[0]);
    push(Buffer.from('second half'));
    push(null);
    await upload;
    expect(await download('slow.bin')).toMatchObject({ text: 'first half, second half' });
    expect(temp()).not.toContain(running[0]);
  });

  it('moves a store of the earlier layout into blobs at start, settling an interrupted replacement by the rows', async (ctx) => {
    if (!tdb) return ctx.skip();
    const { runId: legacyRun } = await seedTrainingRun(db, 'legacy');
    const legacyRow = (path: string, text: string) => ({
      runId: legacyRun,
      path,
      size: Buffer.byteLength(text),
      sha256: sha(text),
      epoch: null,
      contentType: 'text/plain',
      createdBy: 'tester',
      createdAt: Date.now(),
    });
    await db.write(async (tx) => {
      await new ArtifactsRepository(db).upsert(tx, legacyRow('weights/best.onnx', 'legacy committed'));
      await new ArtifactsRepository(db).upsert(tx, legacyRow('report.html', '<h1>legacy</h1>'));
      await new ArtifactsRepository(db).upsert(tx, legacyRow('notes/dup.txt', 'legacy committed'));
    });
    const runDir = join(store.root, legacyRun);
    mkdirSync(join(runDir, 'weights'), { recursive: true });
    mkdirSync(join(runDir, 'notes'), { recursive: true });
    mkdirSync(incomingDir(), { recursive: true });
    // The crash state: a replacement moved in place but never committed, the committed bytes aside.
    writeFileSync(join(runDir, 'weights/best.onnx'), 'legacy uncommitted replacement');
    const id = randomUUID();
    writeFileSync(join(incomingDir(), `${id}.old`), 'legacy committed');
    writeFileSync(join(incomingDir(), `${id}.json`), JSON.stringify({ runId: legacyRun, path: 'weights/best.onnx' }));
    writeFileSync(join(runDir, 'report.html'), '<h1>legacy</h1>');
    writeFileSync(join(runDir, 'notes/dup.txt'), 'legacy committed');
    writeFileSync(join(incomingDir(), `${randomUUID()}.part`), 'a cut-off upload of the earlier layout');
    writeFileSync(join(incomingDir(), `${randomUUID()}.json`), '{"runId":"'); // a torn journal
    // Dataset archives live beside the blobs and are not the sweep's.
    mkdirSync(join(store.root, '_datasets'), { recursive: true });
    writeFileSync(join(store.root, '_datasets', `${sha('tar')}.tar`), 'tar');

    await restart();

    const served = async (path: string) => {
      const { row, stream } = await artifacts.open(legacyRun, path);
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      return { sha256: row.sha256, text: Buffer.concat(chunks).toString('utf8') };
    };
    expect(await served('weights/best.onnx')).toEqual({ sha256: sha('legacy committed'), text: 'legacy committed' });
    expect(await served('notes/dup.txt')).toEqual({ sha256: sha('legacy committed'), text: 'legacy committed' });
    expect(await served('report.html')).toEqual({ sha256: sha('<h1>legacy</h1>'), text: '<h1>legacy</h1>' });
    expect(existsSync(runDir)).toBe(false);
    expect(existsSync(blobFile('legacy uncommitted replacement'))).toBe(false);
    expect(temp().filter((n) => /^[0-9a-f-]{36}\./.test(n))).toEqual([]);
    expect(readFileSync(join(store.root, '_datasets', `${sha('tar')}.tar`), 'utf8')).toBe('tar');
    expect(blobs()).toEqual(await referenced());

    // Idempotent: a second start finds nothing to move or collect.
    const again = service();
    const moved = await new ArtifactStore(tdb.config).migrateLegacy();
    expect(moved).toEqual({ moved: 0, removed: 0, failed: [] });
    expect(await again.sweep()).toMatchObject({ blobsRemoved: 0, failed: 0 });
  });

  it('finishes a move to blobs that a crash interrupted, without losing a file', async (ctx) => {
    if (!tdb) return ctx.skip();
    const { runId: halfRun } = await seedTrainingRun(db, 'half-moved');
    const texts = ['alpha', 'beta', 'gamma'];
    await db.write(async (tx) => {
      for (const [i, text] of texts.entries()) {
        await new ArtifactsRepository(db).upsert(tx, {
          runId: halfRun,
          path: `f${i}.txt`,
          size: text.length,
          sha256: sha(text),
          epoch: null,
          contentType: 'text/plain',
          createdBy: 'tester',
          createdAt: Date.now(),
        });
      }
    });
    // The earlier layout with the first file already moved (the crash came after its rename).
    mkdirSync(join(store.root, halfRun), { recursive: true });
    mkdirSync(join(blobFile('alpha'), '..'), { recursive: true });
    writeFileSync(blobFile('alpha'), 'alpha');
    writeFileSync(join(store.root, halfRun, 'f1.txt'), 'beta');
    writeFileSync(join(store.root, halfRun, 'f2.txt'), 'gamma');

    await restart();

    for (const [i, text] of texts.entries()) {
      const { row, stream } = await artifacts.open(halfRun, `f${i}.txt`);
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      expect({ sha256: row.sha256, text: Buffer.concat(chunks).toString('utf8') }).toEqual({ sha256: sha(text), text });
    }
    expect(existsSync(join(store.root, halfRun))).toBe(false);
    expect(blobs()).toEqual(await referenced());
  });

  it('answers a row whose bytes are missing with an error naming them, not with other bytes', async (ctx) => {
    if (!tdb) return ctx.skip();
    await db.write((tx) =>
      new ArtifactsRepository(db).upsert(tx, { runId, path: 'lost.bin', size: 4, sha256: sha('lost'), epoch: null, contentType: 'text/plain', createdBy: 'tester', createdAt: Date.now() }),
    );
    await expect(artifacts.open(runId, 'lost.bin')).rejects.toThrow(`the bytes of artifact ${runId}/lost.bin (sha256 ${sha('lost')}, 4 bytes) are missing from the store`);
    await db.write((tx) => tx.delete(ArtifactEntity, { runId, path: 'lost.bin' }));
  });
});
