// What a crash leaves in the artifact store's temp folder, repaired when the api starts again (a new ArtifactsService
// on the same database and store directory, through its bootstrap hook): real SQLite and PostgreSQL through the
// migrations, real files. Each crash state is made by the store's own steps, stopped where the process would die.
import 'reflect-metadata';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactEntity } from '../../src/artifacts/artifact.entity';
import { ArtifactStore, INCOMING_GRACE_MS } from '../../src/artifacts/artifact-store';
import { ArtifactsRepository } from '../../src/artifacts/artifacts.repository';
import { ArtifactsService } from '../../src/artifacts/artifacts.service';
import type { Database } from '../../src/database/database';
import { createPodiumPubSub } from '../../src/graphql/pubsub';
import { createTestDatabase, DIALECTS, type TestDatabase, openDatabase } from '../support/databases';
import { seedTrainingRun } from '../support/seed';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const MAX_BYTES = 1024 * 1024;

describe.each(DIALECTS)('artifact temp folder recovery on %s', (dialect) => {
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
  const rowOf = async (path: string) => (await db.read.getRepository(ArtifactEntity).findBy({ runId, path }))[0];
  const bytes = (path: string) => readFileSync(store.localPath(runId, path), 'utf8');
  const download = async (path: string) => {
    const chunks: Buffer[] = [];
    for await (const c of (await artifacts.open(runId, path)).stream) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const incomingDir = () => join(store.root, '.incoming');
  const temp = () => (existsSync(incomingDir()) ? readdirSync(incomingDir()).sort() : []);
  /** Backdates temp entries past the grace period, as if the crash had happened a while ago. */
  const age = (names: string[]) => {
    const then = new Date(Date.now() - INCOMING_GRACE_MS - 60_000);
    for (const name of names) utimesSync(join(incomingDir(), name), then, then);
  };
  /** The api starting again after the crash: a new service on the same database and store, through its bootstrap hook. */
  const restart = async () => {
    const restarted = service();
    await restarted.onApplicationBootstrap();
    await restarted.beforeApplicationShutdown();
  };
  /** A replacement stopped after the move into place: the new bytes are in place, the old aside with its journal. */
  const placeWithoutSettling = async (path: string, text: string, commit: boolean) => {
    const file = await store.receive(body(text), MAX_BYTES);
    const row = { runId, path, size: text.length, sha256: sha(text), epoch: null, contentType: 'text/plain', createdBy: 'tester', createdAt: Date.now() };
    if (commit) {
      await db.write(async (tx) => {
        await new ArtifactsRepository(db).upsert(tx, row);
        await store.place(file, runId, path);
      });
    } else {
      // The transaction never ends: the process dies after the move, so the database rolls the row back.
      await store.place(file, runId, path);
    }
  };

  it('removes interrupted uploads (.part) and torn journals once past the grace period, and keeps recent ones', async (ctx) => {
    if (!tdb) return ctx.skip();
    await store.receive(body('cut off mid-upload'), MAX_BYTES);
    const stale = temp();
    expect(stale).toHaveLength(1);
    expect(stale[0]).toMatch(/\.part$/);
    // A crash while writing a journal, before its file was moved aside: the journal names nothing.
    writeFileSync(join(incomingDir(), `${randomUUID()}.json`), '{"runId":"');
    age(temp());
    const recent = await store.receive(body('still arriving on another replica'), MAX_BYTES);

    await restart();

    expect(temp()).toEqual([recent.tempPath.slice(incomingDir().length + 1)]);
    await store.discard(recent.tempPath);
  });

  it('puts the replaced bytes back when the replacement was placed but never committed', async (ctx) => {
    if (!tdb) return ctx.skip();
    await put('weights/best.onnx', 'committed version');
    await placeWithoutSettling('weights/best.onnx', 'uncommitted version', false);
    // The crash state: the new bytes under the old row, the old bytes aside with their journal.
    expect(bytes('weights/best.onnx')).toBe('uncommitted version');
    expect(temp().map((n) => n.split('.')[1]).sort()).toEqual(['json', 'old']);
    age(temp());

    await restart();

    const row = await rowOf('weights/best.onnx');
    expect(row).toMatchObject({ sha256: sha('committed version'), size: 17 });
    const served = await download('weights/best.onnx');
    expect(served).toBe('committed version');
    expect(sha(served)).toBe(row.sha256);
    expect(temp()).toEqual([]);
  });

  it('puts the replaced bytes back when the path has no row any more', async (ctx) => {
    if (!tdb) return ctx.skip();
    await put('gone.txt', 'before');
    await placeWithoutSettling('gone.txt', 'after', false);
    await db.write((tx) => tx.delete(ArtifactEntity, { runId, path: 'gone.txt' }));
    age(temp());

    await restart();

    expect(bytes('gone.txt')).toBe('before');
    expect(temp()).toEqual([]);
  });

  it('drops the replaced file when the replacement committed before the crash', async (ctx) => {
    if (!tdb) return ctx.skip();
    await put('notes.txt', 'old notes');
    await placeWithoutSettling('notes.txt', 'new notes!', true);
    expect(temp().map((n) => n.split('.')[1]).sort()).toEqual(['json', 'old']);
    age(temp());

    await restart();

    const row = await rowOf('notes.txt');
    expect(row).toMatchObject({ sha256: sha('new notes!'), size: 10 });
    expect(await download('notes.txt')).toBe('new notes!');
    expect(temp()).toEqual([]);
  });

  it('leaves entries within the grace period alone (another replica may be mid-upload), and settles them once stale', async (ctx) => {
    if (!tdb) return ctx.skip();
    await put('live.bin', 'live v1');
    await placeWithoutSettling('live.bin', 'live v2 in flight', false);
    await store.receive(body('uploading'), MAX_BYTES);
    const recent = temp();
    expect(recent.map((n) => n.split('.')[1]).sort()).toEqual(['json', 'old', 'part']);

    await restart();

    expect(temp()).toEqual(recent);
    expect(bytes('live.bin')).toBe('live v2 in flight');

    age(temp());
    await restart();
    expect(temp()).toEqual([]);
    expect(bytes('live.bin')).toBe('live v1');
  });

  it('leaves nothing in the temp folder after a normal replacement (the journal goes with the replaced file)', async (ctx) => {
    if (!tdb) return ctx.skip();
    await put('plain.txt', 'one');
    await put('plain.txt', 'two');
    expect(bytes('plain.txt')).toBe('two');
    expect(temp()).toEqual([]);
  });
});
