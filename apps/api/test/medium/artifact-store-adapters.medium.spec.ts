// The ArtifactStore port's promises, held by both adapters (the data folder and S3-compatible storage on a real
// s3rver), under ArtifactsService on a real database: bytes round-trip by sha256, streamed multipart uploads, byte
// ranges, nothing left by a refused, failed or cut-off upload or a refused commit, a replacement that never loses the
// bytes its row describes, and a sweep that repairs what a crash left (orphan temp objects, unreferenced blobs).
import 'reflect-metadata';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactEntity } from '../../src/artifacts/artifact.entity';
import { type ArtifactStore, FOREIGN_TEMP_GRACE_MS } from '../../src/artifacts/artifact-store';
import { ArtifactsRepository } from '../../src/artifacts/artifacts.repository';
import { ArtifactsService } from '../../src/artifacts/artifacts.service';
import { FsArtifactStore } from '../../src/artifacts/fs-artifact-store';
import { S3ArtifactStore } from '../../src/artifacts/s3-artifact-store';
import type { Database } from '../../src/database/database';
import { createPodiumPubSub } from '../../src/graphql/pubsub';
import { createTestDatabase, DIALECTS, openDatabase, type TestDatabase } from '../support/databases';
import { startTestS3, type TestS3 } from '../support/s3';
import { seedTrainingRun } from '../support/seed';

const DOOMED = 'application/x-doomed-at-commit';
// A trigger that makes the database refuse the COMMIT of a DOOMED row (after the blob is placed): a deferred
// foreign key to nowhere, as in artifacts.medium.spec.ts.
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
const MAX_BYTES = 24 * 1024 * 1024;
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

let s3: TestS3;
beforeAll(async () => {
  s3 = await startTestS3();
});
afterAll(async () => s3?.close());

interface Adapter {
  store: ArtifactStore;
  /** Temp entries (files, objects) left in the store's temp area. */
  temps(): Promise<string[]>;
  /** Leaves a temp entry of another host's upload, written `ageMs` ago (a dead replica's). */
  plantForeignTemp(ageMs: number): Promise<void>;
}

const ADAPTERS: Record<'file' | 's3', (tdb: TestDatabase) => Adapter> = {
  file: (tdb) => {
    const store = new FsArtifactStore(tdb.config);
    const dir = join(store.root, '.incoming');
    return {
      store,
      temps: async () => (existsSync(dir) ? readdirSync(dir) : []),
      plantForeignTemp: async (ageMs) => {
        mkdirSync(dir, { recursive: true });
        const file = join(dir, `other-host~1~${randomUUID()}.part`);
        writeFileSync(file, 'cut off');
        const at = (Date.now() - ageMs) / 1000;
        utimesSync(file, at, at);
      },
    };
  },
  s3: () => {
    const config = s3.storeConfig();
    const store = new S3ArtifactStore(config);
    return {
      store,
      temps: () => s3.keys(`${config.prefix}/.incoming/`),
      // An object's age is the server's clock: the sweep is asked with `now` moved on instead.
      plantForeignTemp: async () => {
        await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${config.prefix}/.incoming/other-host~1~${randomUUID()}.part`, Body: 'cut off' }));
      },
    };
  },
};

describe.each(DIALECTS.flatMap((d) => (['file', 's3'] as const).map((a) => [d, a] as const)))('artifact store on %s, %s adapter', (dialect, adapterName) => {
  let tdb: TestDatabase | undefined;
  let db: Database;
  let adapter: Adapter;
  let store: ArtifactStore;
  let artifacts: ArtifactsService;
  let runId: string;

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
    if (!tdb) return;
    db = await openDatabase(tdb.config);
    adapter = ADAPTERS[adapterName](tdb);
    store = adapter.store;
    artifacts = new ArtifactsService({ artifactMaxBytes: MAX_BYTES }, db, new ArtifactsRepository(db), store, createPodiumPubSub());
    await db.write(async (tx) => {
      for (const sql of DOOM_AT_COMMIT[dialect]) await tx.query(sql);
    });
    ({ runId } = await seedTrainingRun(db, 'adapters'));
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  const put = (path: string, bytes: Buffer | string, contentType = 'application/octet-stream') => artifacts.put(runId, path, Readable.from([Buffer.from(bytes)]), { actor: 'tester', contentType });
  const read = async (stream: Readable) => {
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };
  const download = async (path: string, range?: { start: number; end: number }) => {
    const { row, stream } = await artifacts.open(runId, path, range && (() => range));
    return { row, bytes: await read(stream) };
  };
  const blobs = async () => {
    const all: string[] = [];
    for await (const page of store.listBlobs()) all.push(...page);
    return all.sort();
  };
  const referenced = async () => [...new Set((await db.read.getRepository(ArtifactEntity).find()).map((r) => r.sha256))].sort();
  const rows = (path: string) => db.read.getRepository(ArtifactEntity).findBy({ runId, path });

  it('round-trips bytes under their sha256 and serves byte ranges with the whole size', async (ctx) => {
    if (!tdb) return ctx.skip();
    const bytes = Buffer.from('0123456789abcdefghij');
    const row = await put('small.bin', bytes);
    expect(row).toMatchObject({ size: 20, sha256: sha(bytes) });
    expect((await download('small.bin')).bytes.equals(bytes)).toBe(true);
    expect((await download('small.bin', { start: 5, end: 9 })).bytes.toString()).toBe('56789');
    const opened = await store.open(sha(bytes), { start: 19, end: 19 });
    expect(opened?.size).toBe(20);
    expect((await read(opened!.stream)).toString()).toBe('j');
    expect(await blobs()).toContain(sha(bytes));
    expect(await adapter.temps()).toEqual([]);
  });

  it('streams a body larger than one multipart part, hashing and measuring it on the way', async (ctx) => {
    if (!tdb) return ctx.skip();
    const part = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < part.length; i++) part[i] = (i * 31) & 0xff;
    const whole = Buffer.concat(Array.from({ length: 19 }, (_, i) => Buffer.concat([part, Buffer.from([i])])));
    const body = Readable.from(
      (function* () {
        for (let i = 0; i < 19; i++) yield Buffer.concat([part, Buffer.from([i])]);
      })(),
    );
    const row = await artifacts.put(runId, 'weights/big.onnx', body, { actor: 'tester' });
    expect(row).toMatchObject({ size: whole.length, sha256: sha(whole) });
    const got = await download('weights/big.onnx');
    expect(sha(got.bytes)).toBe(sha(whole));
    expect((await download('weights/big.onnx', { start: 8 * 1024 * 1024 - 2, end: 8 * 1024 * 1024 + 1 })).bytes.equals(whole.subarray(8 * 1024 * 1024 - 2, 8 * 1024 * 1024 + 2))).toBe(true);
    expect(await adapter.temps()).toEqual([]);
  });

  it('leaves no object and no row for an upload over the limit, one cut off, or one whose commit is refused', async (ctx) => {
    if (!tdb) return ctx.skip();
    const before = await blobs();
    const huge = Readable.from(
      (function* () {
        for (let i = 0; i < 30; i++) yield Buffer.alloc(1024 * 1024, i);
      })(),
    );
    await expect(artifacts.put(runId, 'too/large.bin', huge, { actor: 'tester' })).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    const cut = new Readable({ read() {} });
    cut.push(Buffer.alloc(64 * 1024, 7));
    setTimeout(() => cut.destroy(new Error('client went away')), 50);
    await expect(artifacts.put(runId, 'cut/off.bin', cut, { actor: 'tester' })).rejects.toThrow('client went away');
    await expect(put('doomed.bin', 'refused at commit', DOOMED)).rejects.toThrow();
    expect(await rows('too/large.bin')).toEqual([]);
    expect(await rows('cut/off.bin')).toEqual([]);
    expect(await rows('doomed.bin')).toEqual([]);
    expect(await blobs()).toEqual(before);
    expect(await adapter.temps()).toEqual([]);
  });

  it('keeps the bytes a row describes across a refused replacement, and drops replaced bytes at once', async (ctx) => {
    if (!tdb) return ctx.skip();
    await put('report.json', '{"v":1}');
    await expect(put('report.json', '{"v":2,"doomed":true}', DOOMED)).rejects.toThrow();
    expect((await download('report.json')).bytes.toString()).toBe('{"v":1}');
    await put('report.json', '{"v":3}');
    expect((await download('report.json')).bytes.toString()).toBe('{"v":3}');
    expect(await blobs()).not.toContain(sha('{"v":1}'));
    expect(await blobs()).toEqual(await referenced());
  });

  it('sweeps what a crash left: a dead replica temp object, a placed blob whose row never committed; keeps a live upload', async (ctx) => {
    if (!tdb) return ctx.skip();
    await adapter.plantForeignTemp(FOREIGN_TEMP_GRACE_MS + 60_000);
    // A crash between placing the blob and committing its row.
    const orphan = await store.receive(Readable.from([Buffer.from('placed, never committed')]), MAX_BYTES);
    await store.place(orphan);
    expect(await blobs()).toContain(orphan.sha256);
    // An upload of this process still receiving: kept by any sweep.
    const live = await store.receive(Readable.from([Buffer.from('still uploading')]), MAX_BYTES);
    const later = Date.now() + FOREIGN_TEMP_GRACE_MS + 120_000;
    const temp = await store.sweepTemp(FOREIGN_TEMP_GRACE_MS, later);
    expect(temp).toMatchObject({ removed: 1, failed: [] });
    expect(await adapter.temps()).toHaveLength(1);
    const swept = await artifacts.sweep();
    expect(swept.blobsRemoved).toBe(1);
    expect(await blobs()).toEqual(await referenced());
    await store.discard(live);
    expect(await adapter.temps()).toEqual([]);
  });

  it('stores named objects once, atomically, and opens them whole or by range', async (ctx) => {
    if (!tdb) return ctx.skip();
    const name = `_datasets/${sha('archive')}.tar`;
    expect(await store.hasObject(name)).toBe(false);
    expect(await store.openObject(name)).toBeNull();
    const local = join(tdb.config.dataDir, `staged-${randomUUID()}.tar`);
    mkdirSync(tdb.config.dataDir, { recursive: true });
    writeFileSync(local, 'the archive bytes');
    await store.putObjectFile(name, local);
    expect(await store.hasObject(name)).toBe(true);
    const whole = await store.openObject(name);
    expect((await read(whole!.stream)).toString()).toBe('the archive bytes');
    const part = await store.openObject(name, { start: 4, end: 10 });
    expect(part!.size).toBe(17);
    expect((await read(part!.stream)).toString()).toBe('archive');
    expect(() => store.openObject('../escape')).toThrow();
  });
});
