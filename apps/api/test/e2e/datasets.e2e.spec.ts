import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { create as tarCreate, list as tarList } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPodiumApp } from '../../src/app.factory';
import { DIALECTS } from '../support/databases';
import { startTestApp, type TestApp } from '../support/test-app';

const COCO128 = resolve(__dirname, '../../../../assets/datasets/coco128');
const COCO8 = resolve(__dirname, '../../../../assets/datasets/coco8');

const DATASET_FIELDS =
  'id name version format digest classNames archiveUrl imagesDir labelsDir annotationsPath sizeBytes createdBy counts { images labelled backgrounds orphans boxes classesPresent missingImages crowd }';

/** The digest as the api defines it, written out independently: sorted paths, then path NUL size NUL bytes. */
function expectedDigest(root: string): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const abs = join(dir, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else files.push(relative(root, abs).split('\\').join('/'));
    }
  };
  walk(root);
  files.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const h = createHash('sha256');
  for (const f of files) {
    const bytes = readFileSync(join(root, f));
    h.update(`${f}\0${bytes.length}\0`);
    h.update(bytes);
  }
  return h.digest('hex');
}

async function tarOf(parent: string, entries: string[], opts: { preservePaths?: boolean } = {}): Promise<Buffer> {
  const out = join(mkdtempSync(join(tmpdir(), 'podium-tar-')), 'a.tar');
  await tarCreate({ file: out, cwd: parent, preservePaths: opts.preservePaths }, entries);
  return readFileSync(out);
}

/** A one-split copy of COCO8 (val) in a temp folder, to corrupt at will. */
function coco8Val(): string {
  const root = join(mkdtempSync(join(tmpdir(), 'podium-coco8-')), 'coco8val');
  mkdirSync(join(root, 'images'), { recursive: true });
  mkdirSync(join(root, 'labels'), { recursive: true });
  cpSync(join(COCO8, 'images/val'), join(root, 'images/val'), { recursive: true });
  cpSync(join(COCO8, 'labels/val'), join(root, 'labels/val'), { recursive: true });
  return root;
}

describe.each(DIALECTS)('datasets on %s', (dialect) => {
  let t: TestApp | undefined;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(async () => t?.close());

  const upload = (body: Buffer, query: string) => t!.http().post(`/datasets/upload?${query}`).set('content-type', 'application/octet-stream').send(body);

  it('registers COCO128 from an uploaded tar with its counts and the content digest, and serves the normalised tar', async (ctx) => {
    if (!t) return ctx.skip();
    const res = await upload(await tarOf(resolve(COCO128, '..'), ['coco128']), 'name=coco128&format=YOLO&classNames=coco80');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.counts).toMatchObject({ images: 128, labelled: 126, backgrounds: 2, orphans: 2, boxes: 929, classesPresent: 71 });
    expect(res.body.digest).toBe(expectedDigest(COCO128));
    expect(res.body).toMatchObject({ name: 'coco128', version: 1, format: 'YOLO', imagesDir: 'images/train2017', labelsDir: 'labels/train2017' });
    expect(res.body.classNames).toHaveLength(80);
    expect(res.body.classNames[0]).toBe('person');

    const q = await t.gql(`{ dataset(name: "coco128") { ${DATASET_FIELDS} } datasets(first: 10) { totalCount nodes { name version } } }`);
    expect(q.errors).toBeUndefined();
    expect(q.data.dataset.digest).toBe(res.body.digest);
    expect(q.data.dataset.createdBy).toBe('local');
    expect(q.data.datasets).toEqual({ totalCount: 1, nodes: [{ name: 'coco128', version: 1 }] });

    const dl = await t
      .http()
      .get(q.data.dataset.archiveUrl)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(dl.status).toBe(200);
    const tarFile = join(mkdtempSync(join(tmpdir(), 'podium-dl-')), 'd.tar');
    writeFileSync(tarFile, dl.body as Buffer);
    expect((dl.body as Buffer).length).toBe(q.data.dataset.sizeBytes);
    const paths: string[] = [];
    await tarList({ file: tarFile, onReadEntry: (e) => void paths.push(e.path) });
    expect(paths).toContain('images/train2017/000000000009.jpg');
    expect(paths.filter((p) => p.startsWith('images/'))).toHaveLength(128);
  });

  it('keeps one dataset for identical content re-sent under the same version and refuses different content there', async (ctx) => {
    if (!t) return ctx.skip();
    const again = await upload(await tarOf(resolve(COCO128, '..'), ['coco128']), 'name=coco128&format=YOLO&version=1&classNames=coco80');
    expect(again.status).toBe(201);
    const unversioned = await upload(await tarOf(COCO128, ['.']), 'name=coco128&format=YOLO&classNames=coco80');
    expect(unversioned.body).toMatchObject({ version: 1, id: again.body.id });
    const other = await upload(await tarOf(coco8Val(), ['.']), 'name=coco128&format=YOLO&version=1&classNames=coco80');
    expect(other.status).toBe(409);
    expect(other.body.error.message).toMatch(/already exists with different content/);
    const next = await upload(await tarOf(coco8Val(), ['.']), 'name=coco128&format=YOLO&classNames=coco80');
    expect(next.status).toBe(201);
    expect(next.body.version).toBe(2);
    expect(next.body.counts).toMatchObject({ images: 4, labelled: 4, backgrounds: 0, orphans: 0, boxes: 17 });
    const latest = await t.gql('{ dataset(name: "coco128") { version } first: dataset(name: "coco128", version: 1) { version counts { images } } }');
    expect(latest.data).toEqual({ dataset: { version: 2 }, first: { version: 1, counts: { images: 128 } } });
  });

  it('refuses an upload version past the importDataset bound (PostgreSQL would overflow its integer column)', async (ctx) => {
    if (!t) return ctx.skip();
    const res = await upload(await tarOf(coco8Val(), ['.']), 'name=huge-version&format=YOLO&version=99999999999&classNames=coco80');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'BAD_USER_INPUT', message: 'version must be an integer in [1, 1000000], got "99999999999"' });
    expect((await t.gql('{ dataset(name: "huge-version") { version } }')).data).toEqual({ dataset: null });
  });

  it('refuses a dataset with a malformed label row, naming the file and line', async (ctx) => {
    if (!t) return ctx.skip();
    const root = coco8Val();
    writeFileSync(join(root, 'labels/val/000000000049.txt'), '17 0.59 0.63 0.34 0.36\n17 0.32 0.64 0.21\n');
    const res = await upload(await tarOf(root, ['.']), 'name=broken&format=YOLO&classNames=coco80');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BAD_USER_INPUT');
    expect(res.body.error.message).toContain('labels/val/000000000049.txt:2: expected 5 values (class xc yc w h), got 4');
    const cls = coco8Val();
    writeFileSync(join(cls, 'labels/val/000000000042.txt'), '80 0.5 0.5 0.1 0.1\n');
    const res2 = await upload(await tarOf(cls, ['.']), 'name=broken&format=YOLO&classNames=coco80');
    expect(res2.body.error.message).toContain('labels/val/000000000042.txt:1: class "80" is not an integer in [0, 79]');
    const none = await t.gql('{ dataset(name: "broken") { id } }');
    expect(none.data.dataset).toBeNull();
  });

  it('refuses archives with links or paths that leave the archive', async (ctx) => {
    if (!t) return ctx.skip();
    const root = coco8Val();
    symlinkSync('/etc/passwd', join(root, 'images/val/evil.jpg'));
    const link = await upload(await tarOf(root, ['.']), 'name=evil&format=YOLO&classNames=coco80');
    expect(link.status).toBe(400);
    expect(link.body.error.message).toMatch(/only plain files/);
    const base = mkdtempSync(join(tmpdir(), 'podium-trav-'));
    mkdirSync(join(base, 'inner'));
    writeFileSync(join(base, 'outside.txt'), 'x');
    const trav = await upload(await tarOf(join(base, 'inner'), ['../outside.txt'], { preservePaths: true }), 'name=evil&format=YOLO&classNames=coco80');
    expect(trav.status).toBe(400);
    expect(trav.body.error.message).toMatch(/leaves the archive/);
  });

  it('accepts a zip of a COCO folder (images + instances json) and counts it', async (ctx) => {
    if (!t) return ctx.skip();
    const root = join(mkdtempSync(join(tmpdir(), 'podium-cocozip-')), 'c128');
    cpSync(join(COCO128, 'images'), join(root, 'images'), { recursive: true });
    cpSync(join(COCO128, 'annotations'), join(root, 'annotations'), { recursive: true });
    const zipFile = join(root, '..', 'c.zip');
    execFileSync('zip', ['-qr', zipFile, 'c128'], { cwd: join(root, '..') });
    const res = await upload(readFileSync(zipFile), 'name=coco128-coco&format=COCO');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ format: 'COCO', imagesDir: 'images/train2017', annotationsPath: 'annotations/instances_train2017.json' });
    expect(res.body.counts).toMatchObject({ images: 128, boxes: 939, crowd: 10, missingImages: 0 });
    expect(res.body.classNames).toHaveLength(80);
    rmSync(root, { recursive: true, force: true });
  });

  it('imports a server-side folder only on the embedded default', async (ctx) => {
    if (!t) return ctx.skip();
    const res = await t.gql('mutation($i: ImportDatasetInput!) { importDataset(input: $i) { name digest counts { images orphans } } }', {
      i: { name: 'coco128-import', path: COCO128, format: 'YOLO', classNames: ['coco80'] },
    });
    if (dialect === 'sqlite') {
      expect(res.errors).toBeUndefined();
      expect(res.data.importDataset).toEqual({ name: 'coco128-import', digest: expectedDigest(COCO128), counts: { images: 128, orphans: 2 } });
    } else {
      expect(res.errors[0].extensions.code).toBe('FAILED_PRECONDITION');
    }
  });

  it('answers 404 for an unknown digest', async (ctx) => {
    if (!t) return ctx.skip();
    const res = await t.http().get(`/datasets/${'0'.repeat(64)}.tar`);
    expect(res.status).toBe(404);
  });
});

describe.each(DIALECTS)('the demo dataset on %s', (dialect) => {
  it('registers coco128 at first start when seedDemo is on, once', async (ctx) => {
    const t = await startTestApp(dialect, { seedDemo: true });
    if (!t) return ctx.skip();
    try {
      const res = await t.gql('{ datasets(first: 10) { totalCount nodes { name version format digest counts { images labelled backgrounds orphans boxes } } } }');
      expect(res.data.datasets.totalCount).toBe(1);
      expect(res.data.datasets.nodes[0]).toEqual({
        name: 'coco128',
        version: 1,
        format: 'YOLO',
        digest: expectedDigest(COCO128),
        counts: { images: 128, labelled: 126, backgrounds: 2, orphans: 2, boxes: 929 },
      });
      // A second start on the same database leaves it alone.
      const again = await createPodiumApp({ ...t.podium.config, port: 0 }, { logger: ['error'] });
      await again.close();
      const after = await t.gql('{ datasets(first: 10) { totalCount } }');
      expect(after.data.datasets.totalCount).toBe(1);
    } finally {
      await t.close();
    }
  });
});

describe.each(DIALECTS)('dataset upload limits on %s', (dialect) => {
  it('refuses an archive whose content would extract past the limit (tar.gz and zip bombs)', async (ctx) => {
    const t = await startTestApp(dialect, { artifactMaxBytes: 100_000, datasetMaxExtractedBytes: 400_000 });
    if (!t) return ctx.skip();
    try {
      const root = mkdtempSync(join(tmpdir(), 'podium-bomb-'));
      writeFileSync(join(root, 'padding.txt'), Buffer.alloc(1_000_000, 0x20));
      const gz = join(mkdtempSync(join(tmpdir(), 'podium-bomb-')), 'b.tar.gz');
      await tarCreate({ file: gz, cwd: root, gzip: true }, ['.']);
      expect(statSync(gz).size).toBeLessThan(100_000);
      const res = await t.http().post('/datasets/upload?name=bomb&format=YOLO&classNames=coco80').send(readFileSync(gz));
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe('archive refused: its files add up to more than 400000 bytes');
      const zip = join(root, '..', 'b.zip');
      execFileSync('zip', ['-qr', zip, '.'], { cwd: root });
      const res2 = await t.http().post('/datasets/upload?name=bomb&format=YOLO&classNames=coco80').send(readFileSync(zip));
      expect(res2.status).toBe(400);
      expect(res2.body.error.message).toBe('archive refused: its files add up to more than 400000 bytes');
      const big = await t.http().post('/datasets/upload?name=big&format=YOLO').send(Buffer.alloc(150_000, 1));
      expect(big.status).toBe(413);
    } finally {
      await t.close();
    }
  });
});
