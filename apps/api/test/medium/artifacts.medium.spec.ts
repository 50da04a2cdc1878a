// ArtifactsService on a real database (SQLite file and PostgreSQL) and a real store directory: a replacement whose
// commit fails leaves the previous artifact (bytes and row) as it was, and no temp file behind.
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactEntity } from '../../src/artifacts/artifact.entity';
import { ArtifactStore } from '../../src/artifacts/artifact-store';
import { ArtifactsRepository } from '../../src/artifacts/artifacts.repository';
import { ArtifactsService } from '../../src/artifacts/artifacts.service';
import type { Database } from '../../src/database/database';
import { createPodiumPubSub } from '../../src/graphql/pubsub';
import { createTestDatabase, DIALECTS, type TestDatabase, openDatabase } from '../support/databases';
import { seedTrainingRun } from '../support/seed';

/** Uploads with this content type write a row that the database refuses at COMMIT (after the file has moved). */
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

describe.each(DIALECTS)('artifact replacement on %s', (dialect) => {
  let tdb: TestDatabase | undefined;
  let db: Database;
  let store: ArtifactStore;
  let artifacts: ArtifactsService;
  let runId: string;

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
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  const put = (path: string, text: string, contentType = 'text/plain') => artifacts.put(runId, path, Readable.from([Buffer.from(text)]), { actor: 'tester', contentType });
  const rows = (path: string) => db.read.getRepository(ArtifactEntity).findBy({ runId, path });
  const bytes = (path: string) => readFileSync(store.localPath(runId, path), 'utf8');
  const download = async (path: string) => {
    const chunks: Buffer[] = [];
    for await (const c of (await artifacts.open(runId, path)).stream) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const temp = () => (existsSync(join(store.root, '.incoming')) ? readdirSync(join(store.root, '.incoming')) : []);
  const runFiles = () => readdirSync(join(store.root, runId), { recursive: true }).map(String).sort();

  it('keeps the previous bytes and row when the replacing commit fails, and leaves no temp file', async (ctx) => {
    if (!tdb) return ctx.skip();
    await put('weights/best.onnx', 'first version');
    await expect(put('weights/best.onnx', 'second version', DOOMED)).rejects.toThrow(/foreign key/i);
    expect(await rows('weights/best.onnx')).toMatchObject([{ sha256: sha('first version'), size: 13, contentType: 'text/plain' }]);
    expect(bytes('weights/best.onnx')).toBe('first version');
    expect(await download('weights/best.onnx')).toBe('first version');
    expect(temp()).toEqual([]);
    expect(runFiles()).toEqual(['weights', 'weights/best.onnx']);
  });

  it('stores nothing when the first upload to a path fails at commit', async (ctx) => {
    if (!tdb) return ctx.skip();
    await expect(put('reports/doomed.json', '{}', DOOMED)).rejects.toThrow(/foreign key/i);
    expect(await rows('reports/doomed.json')).toEqual([]);
    expect(existsSync(store.localPath(runId, 'reports/doomed.json'))).toBe(false);
    expect(temp()).toEqual([]);
  });

  it('replaces an artifact normally (new bytes, new sha256, one row, no temp file)', async (ctx) => {
    if (!tdb) return ctx.skip();
    await put('notes.txt', 'old notes');
    const row = await put('notes.txt', 'new notes!', 'text/markdown');
    expect(row).toMatchObject({ sha256: sha('new notes!'), size: 10 });
    expect(await rows('notes.txt')).toMatchObject([{ sha256: sha('new notes!'), size: 10, contentType: 'text/markdown' }]);
    expect(bytes('notes.txt')).toBe('new notes!');
    expect(temp()).toEqual([]);
  });

  it('keeps bytes and row in agreement when replacements to one path race and some fail at commit', async (ctx) => {
    if (!tdb) return ctx.skip();
    await put('race.bin', 'v0');
    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => put('race.bin', `v${i + 1}`, i % 3 === 1 ? 'text/plain' : DOOMED)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(4);
    const [row] = await rows('race.bin');
    expect(row.sha256).toBe(sha(bytes('race.bin')));
    expect(['v2', 'v5', 'v8', 'v11']).toContain(bytes('race.bin'));
    expect(temp()).toEqual([]);
  });
});
