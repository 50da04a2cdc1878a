// ArtifactsService on a real database (SQLite file and PostgreSQL) and a real store directory: bytes stored once
// under their sha256, a row only ever leading to the bytes it describes, and no blob kept that no row references
// (a replacement whose commit fails, a replaced blob, racing replacements, the sweep racing an upload).
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ArtifactEntity } from '../../src/artifacts/artifact.entity';
import { FsArtifactStore as ArtifactStore } from '../../src/artifacts/fs-artifact-store';
import { ArtifactsRepository } from '../../src/artifacts/artifacts.repository';
import { ArtifactsService } from '../../src/artifacts/artifacts.service';
import type { Database } from '../../src/database/database';
import { createPodiumPubSub } from '../../src/graphql/pubsub';
import { createTestDatabase, DIALECTS, type TestDatabase, openDatabase } from '../support/databases';
import { seedTrainingRun } from '../support/seed';

/** Uploads with this content type write a row that the database refuses at COMMIT (after the blob is placed). */
const DOOMED = 'application/x-doomed-at-commit';

// Test-only schema: a trigger that, for a DOOMED row, adds a dangling reference under a deferred foreign key; the
// database checks it at COMMIT and refuses the commit, as a real commit-time failure does.
const DOOM_AT_COMMIT: Record<'sqlite' | 'postgres', string[]> = {
  sqlite: [
    `CREATE TABLE commit_guard (run_id varchar(36) NOT NULL REFERENCES runs (id) DEFERRABLE INITIALLY DEFERRED)`,
    `CREATE TRIGGER doom_insert AFTER INSERT ON artifacts WHEN NEW.content_type = '${DOOMED}' BEGIN INSERT INTO commit_guard VALUES ('no-such-run'); END`,
    `CREATE TRIGGER doom_update AFTER UPDATE ON artifacts WHEN NEW.content_type = '${DOOMED}' BEGIN INSERT INTO commit_guard VALUES ('no-such-run'); END`,
  ],
  postgres: [
    `CREATE TABLE commit_guard (run_id uuid NOT NULL REFERENCES runs (id) DEFERRABLE INITIALLY DEFERRED)`,
    `CREATE FUNCTION doom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO commit_guard VALUES (gen_random_uuid()); RETURN NULL; END $$`,
    `CREATE TRIGGER doom AFTER INSERT OR UPDATE ON artifacts FOR EACH ROW WHEN (NEW.content_type = '${DOOMED}') EXECUTE FUNCTION doom()`,
  ],
};

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe.each(DIALECTS)('artifact blobs on %s', (dialect) => {
  let tdb: TestDatabase | undefined;
  let db: Database;
  let store: ArtifactStore;
  let artifacts: ArtifactsService;
  let runId: string;
  let otherRunId: string;

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
    if (!tdb) return;
    db = await openDatabase(tdb.config);
    store = new ArtifactStore(tdb.config);
    artifacts = new ArtifactsService({ artifactMaxBytes: 1024 * 1024 }, db, new ArtifactsRepository(db), store, createPodiumPubSub());
    await db.write(async (tx) => {
      for (const sql of DOOM_AT_COMMIT[dialect]) await tx.query(sql);
    });
    ({ runId } = await seedTrainingRun(db, 'artifacts'));
    ({ runId: otherRunId } = await seedTrainingRun(db, 'artifacts-2'));
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  const put = (path: string, text: string, contentType = 'text/plain', run = runId) => artifacts.put(run, path, Readable.from([Buffer.from(text)]), { actor: 'tester', contentType });
  const rows = (path: string, run = runId) => db.read.getRepository(ArtifactEntity).findBy({ runId: run, path });
  const download = async (path: string) => {
    const { row, stream } = await artifacts.open(runId, path);
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    return { row, text: Buffer.concat(chunks).toString('utf8') };
  };
  const blobFile = (text: string) => join(store.root, 'blobs', sha(text).slice(0, 2), sha(text).slice(2, 4), sha(text));
  const temp = () => (existsSync(join(store.root, '.incoming')) ? readdirSync(join(store.root, '.incoming')) : []);
  /** Every blob in the store. */
  const blobs = () =>
    existsSync(join(store.root, 'blobs'))
      ? readdirSync(join(store.root, 'blobs'), { recursive: true })
          .map(String)
          .filter((p) => /[0-9a-f]{64}$/.test(p))
          .map((p) => p.slice(-64))
          .sort()
      : [];
  /** The sha256 of every row. */
  const referenced = async () => [...new Set((await db.read.getRepository(ArtifactEntity).find()).map((r) => r.sha256))].sort();

  it('stores the bytes once under their sha256 and serves them under the row that names them', async (ctx) => {
    if (!tdb) return ctx.skip();
    const row = await put('weights/best.onnx', 'first version');
    expect(row).toMatchObject({ sha256: sha('first version'), size: 13 });
    expect(readFileSync(blobFile('first version'), 'utf8')).toBe('first version');
    expect(existsSync(join(store.root, runId))).toBe(false);
    expect(await download('weights/best.onnx')).toMatchObject({ text: 'first version', row: { sha256: sha('first version') } });
    expect(temp()).toEqual([]);
  });

  it('keeps the previous bytes and row when the replacing commit fails, and drops the blob it had placed', async (ctx) => {
    if (!tdb) return ctx.skip();
    await expect(put('weights/best.onnx', 'second version', DOOMED)).rejects.toThrow(/foreign key/i);
    expect(await rows('weights/best.onnx')).toMatchObject([{ sha256: sha('first version'), size: 13, contentType: 'text/plain' }]);
    expect(await download('weights/best.onnx')).toMatchObject({ text: 'first version' });
    expect(existsSync(blobFile('second version'))).toBe(false);
    expect(temp()).toEqual([]);
    expect(blobs()).toEqual(await referenced());
  });

  it('stores nothing when the first upload to a path fails at commit', async (ctx) => {
    if (!tdb) return ctx.skip();
    await expect(put('reports/doomed.json', '{}', DOOMED)).rejects.toThrow(/foreign key/i);
    expect(await rows('reports/doomed.json')).toEqual([]);
    expect(existsSync(blobFile('{}'))).toBe(false);
    expect(temp()).toEqual([]);
  });

  it('drops the replaced blob as soon as the replacement commits', async (ctx) => {
    if (!tdb) return ctx.skip();
    await put('notes.txt', 'old notes');
    const row = await put('notes.txt', 'new notes!', 'text/markdown');
    expect(row).toMatchObject({ sha256: sha('new notes!'), size: 10 });
    expect(await rows('notes.txt')).toMatchObject([{ sha256: sha('new notes!'), size: 10, contentType: 'text/markdown' }]);
    expect(existsSync(blobFile('old notes'))).toBe(false);
    expect(await download('notes.txt')).toMatchObject({ text: 'new notes!' });
    expect(blobs()).toEqual(await referenced());
  });

  it('shares one blob between identical uploads, and keeps it while any row still uses it', async (ctx) => {
    if (!tdb) return ctx.skip();
    await put('a/shared.bin', 'same bytes');
    await put('b/shared.bin', 'same bytes');
    await put('shared.bin', 'same bytes', 'text/plain', otherRunId);
    expect(blobs().filter((b) => b === sha('same bytes'))).toHaveLength(1);
    await put('a/shared.bin', 'different bytes');
    expect(existsSync(blobFile('same bytes'))).toBe(true);
    await db.write((tx) => tx.delete(ArtifactEntity, { runId, path: 'b/shared.bin' }));
    expect((await artifacts.sweep()).blobsRemoved).toBe(0);
    expect(existsSync(blobFile('same bytes'))).toBe(true);
    await db.write((tx) => tx.delete(ArtifactEntity, { runId: otherRunId, path: 'shared.bin' }));
    expect((await artifacts.sweep()).blobsRemoved).toBe(1);
    expect(existsSync(blobFile('same bytes'))).toBe(false);
    expect(blobs()).toEqual(await referenced());
  });

  it('refuses a path that clashes with a stored one as a file and a folder, storing nothing', async (ctx) => {
    if (!tdb) return ctx.skip();
    await expect(put('weights', 'x')).rejects.toMatchObject({ code: 'CONFLICT', message: 'Artifact path "weights" clashes with "weights/best.onnx" (a file and a folder of the same name)' });
    await expect(put('notes.txt/inner', 'y')).rejects.toMatchObject({ code: 'CONFLICT', message: 'Artifact path "notes.txt/inner" clashes with "notes.txt" (a file and a folder of the same name)' });
    // A name that only starts like a stored one is no clash (and % or _ in it are plain characters).
    await put('weights_v2', 'z');
    await put('we%/x', 'w');
    expect(await rows('weights')).toEqual([]);
    expect(existsSync(blobFile('x'))).toBe(false);
    expect(temp()).toEqual([]);
  });

  it('keeps bytes and rows in agreement, and no unreferenced blob, when replacements to one path race and some fail at commit', async (ctx) => {
    if (!tdb) return ctx.skip();
    await put('race.bin', 'v0');
    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => put('race.bin', `v${i + 1}`, i % 3 === 1 ? 'text/plain' : DOOMED)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(4);
    const served = await download('race.bin');
    expect(served.row.sha256).toBe(sha(served.text));
    expect(['v2', 'v5', 'v8', 'v11']).toContain(served.text);
    expect(temp()).toEqual([]);
    expect(blobs()).toEqual(await referenced());
  });

  it('serves a download that raced a replacement with the bytes of the row it read, never another', async (ctx) => {
    if (!tdb) return ctx.skip();
    await put('live.txt', 'live 0');
    const writer = (async () => {
      for (let i = 1; i <= 15; i++) await put('live.txt', `live ${i}`);
    })();
    let reads = 0;
    let done = false;
    void writer.finally(() => (done = true));
    while (!done) {
      const { row, text } = await download('live.txt');
      expect(sha(text)).toBe(row.sha256);
      reads++;
    }
    await writer;
    expect(reads).toBeGreaterThan(0);
    expect(blobs()).toEqual(await referenced());
  });

  it('does not collect a blob whose upload has placed it but not yet committed its row', async (ctx) => {
    if (!tdb) return ctx.skip();
    // Hold the upload between placing its blob and writing its row, and sweep meanwhile.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let placed!: () => void;
    const wasPlaced = new Promise<void>((r) => (placed = r));
    const place = store.place.bind(store);
    const spy = vi.spyOn(store, 'place').mockImplementation(async (file) => {
      await place(file);
      placed();
      await gate;
    });
    try {
      const upload = put('in-flight.bin', 'placed, not yet committed');
      await wasPlaced;
      expect(existsSync(blobFile('placed, not yet committed'))).toBe(true);
      const sweep = artifacts.sweep();
      // The sweep waits for the upload's lock (PostgreSQL) or its turn to write (SQLite); let the upload commit.
      await new Promise((r) => setTimeout(r, 100));
      release();
      await upload;
      expect((await sweep).blobsRemoved).toBe(0);
    } finally {
      spy.mockRestore();
      release();
    }
    expect(await download('in-flight.bin')).toMatchObject({ text: 'placed, not yet committed' });
    expect(blobs()).toEqual(await referenced());
  });
});
