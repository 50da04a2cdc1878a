// Hostile dataset uploads (issue 10): each is refused with a typed error naming what is wrong, the api stays up,
// nothing is left on disk, and another client's requests keep answering while the upload is processed.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intakeWorkRoot } from '../../src/datasets/dataset-intake.runner';
import { badRows, deflatedZeros, repeatedLines, tarBytes, type TarEntry, zipOf, type ZipEntry } from '../support/archives';
import { DIALECTS } from '../support/databases';
import { startTestApp, type TestApp } from '../support/test-app';

const COCO8 = resolve(__dirname, '../../../../assets/datasets/coco8');
const MiB = 1024 * 1024;
/** The bound on another client's wait, past the machine's own noise: far below the stalls of seconds it replaces. */
const MAX_LAG_MS = 500;

/**
 * A 20 ms timer on a thread of its own: how late it fires is this machine's scheduling noise (a loaded 2-core box
 * delays every thread), which no stall of the api's event loop can cause. Resolves to its worst lateness.
 */
function startNoiseSentinel(): () => Promise<number> {
  const thread = new Worker(
    `const { parentPort } = require('node:worker_threads');
     const { performance } = require('node:perf_hooks');
     let worst = 0;
     let due = performance.now() + 20;
     const tick = () => { const now = performance.now(); worst = Math.max(worst, now - due); due = now + 20; timer = setTimeout(tick, 20); };
     let timer = setTimeout(tick, 20);
     parentPort.on('message', () => { clearTimeout(timer); parentPort.postMessage(worst); });`,
    { eval: true },
  );
  return () =>
    new Promise<number>((resolve) => {
      thread.once('message', (worst: number) => void thread.terminate().then(() => resolve(worst)));
      thread.postMessage('stop');
    });
}

/** COCO8's val split as zip entries (4 images, 4 label files), to which a test adds its hostile entry. */
function coco8ValEntries(): ZipEntry[] {
  const out: ZipEntry[] = [];
  for (const part of ['images', 'labels']) {
    for (const name of readdirSync(join(COCO8, part, 'val'))) out.push({ name: `${part}/val/${name}`, data: readFileSync(join(COCO8, part, 'val', name)) });
  }
  return out;
}

/**
 * Another client's view while `work` runs: a cheap GraphQL query, then 20 ms, again. A round's lag is how long after
 * it was due (the previous answer + 20 ms) its answer came, so a stalled event loop shows however it falls.
 */
async function whilePolling<T>(t: TestApp, work: () => Promise<T>): Promise<{ result: T; maxLagMs: number; noiseMs: number; rounds: number }> {
  const noise = startNoiseSentinel();
  let stop = false;
  let maxLagMs = 0;
  let rounds = 0;
  const poller = (async () => {
    let due = performance.now();
    while (!stop) {
      const res = await t.gql('{ datasets(first: 1) { totalCount } }');
      expect(res.errors).toBeUndefined();
      const now = performance.now();
      maxLagMs = Math.max(maxLagMs, now - due);
      rounds++;
      due = now + 20;
      await sleep(20);
    }
  })();
  let result: T;
  try {
    result = await work();
  } finally {
    stop = true;
    await poller;
  }
  return { result, maxLagMs, noiseMs: await noise(), rounds };
}

describe.each(DIALECTS)('hostile dataset uploads on %s', (dialect) => {
  let t: TestApp | undefined;
  beforeAll(async () => {
    t = await startTestApp(dialect, { datasetMaxEntries: 100 });
    // Warm up the paths a poll and an upload take (first-call compilation is not what the lag bound is about).
    await t?.gql('{ datasets(first: 1) { totalCount } }');
    await t?.http().post('/datasets/upload?name=warm-up&format=YOLO').send(Buffer.from('not an archive'));
  });
  afterAll(async () => t?.close());

  /** Work folders and stored archives: none may outlive a refused upload. */
  const leftovers = (app: TestApp) => {
    const store = join(app.podium.config.dataDir, 'artifacts', '_datasets');
    const work = intakeWorkRoot(app.podium.config);
    return [...(existsSync(work) ? readdirSync(work).map((n) => `work/${n}`) : []), ...(existsSync(store) ? readdirSync(store).map((n) => `store/${n}`) : [])];
  };

  async function refused(body: Buffer, message: string | RegExp, app = t!, query = 'name=hostile&format=YOLO&classNames=coco80') {
    const { result: res, maxLagMs, noiseMs, rounds } = await whilePolling(app, () => app.http().post(`/datasets/upload?${query}`).set('content-type', 'application/octet-stream').send(body));
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.code).toBe('BAD_USER_INPUT');
    if (typeof message === 'string') expect(res.body.error.message).toBe(message);
    else expect(res.body.error.message).toMatch(message);
    expect(rounds).toBeGreaterThan(0);
    expect(maxLagMs).toBeLessThan(MAX_LAG_MS + noiseMs);
    expect(leftovers(app)).toEqual([]);
    expect((await app.gql('{ dataset(name: "hostile") { id } }')).data).toEqual({ dataset: null });
    return res;
  }

  it('refuses the 184-byte zip with a file "a" then "a/b" (it crashed the api) and stays up', async (ctx) => {
    if (!t) return ctx.skip();
    const zip = zipOf([
      { name: 'a', data: 'x' },
      { name: 'a/b', data: 'y' },
    ]);
    expect(zip.length).toBe(184);
    const res = await refused(zip, 'archive refused: entries "a" and "a/b" clash ("a" would be both a file and a folder)');
    expect(res.body.error.entries).toEqual(['a', 'a/b']);
    const tar = await tarBytes([
      { name: 'a', data: 'x' },
      { name: 'a/b', data: 'y' },
    ]);
    await refused(tar, 'archive refused: entries "a" and "a/b" clash ("a" would be both a file and a folder)');
  });

  it('refuses a folder then a file of the same name, in zip and tar', async (ctx) => {
    if (!t) return ctx.skip();
    await refused(
      zipOf([
        { name: 'a/b', data: 'y' },
        { name: 'a', data: 'x' },
      ]),
      'archive refused: entries "a/b" and "a" clash ("a" would be both a file and a folder)',
    );
    await refused(
      zipOf([
        { name: 'a/', dir: true },
        { name: 'a', data: 'x' },
      ]),
      'archive refused: entries "a/" and "a" clash ("a" would be both a file and a folder)',
    );
    await refused(
      await tarBytes([
        { name: 'images/', dir: true },
        { name: 'images', data: 'x' },
      ]),
      'archive refused: entries "images/" and "images" clash ("images" would be both a file and a folder)',
    );
  });

  it('refuses duplicate entries and names that land on the same path', async (ctx) => {
    if (!t) return ctx.skip();
    const base = coco8ValEntries();
    await refused(
      zipOf([...base, { name: 'labels/val/000000000036.txt', data: '0 0.5 0.5 0.1 0.1\n' }]),
      'archive refused: entries "labels/val/000000000036.txt" and "labels/val/000000000036.txt" clash (both name the file "labels/val/000000000036.txt")',
    );
    await refused(
      zipOf([...base, { name: 'labels\\val\\000000000036.txt', data: '0 0.5 0.5 0.1 0.1\n' }]),
      'archive refused: entries "labels/val/000000000036.txt" and "labels/val/000000000036.txt" clash (both name the file "labels/val/000000000036.txt")',
    );
    await refused(
      await tarBytes([
        { name: 'x/a.txt', data: '1' },
        { name: './x//a.txt', data: '2' },
      ]),
      'archive refused: entries "x/a.txt" and "./x//a.txt" clash (both name the file "x/a.txt")',
    );
    await refused(
      zipOf([...base, { name: 'Labels/val/extra.txt', data: '' }]),
      'archive refused: entries "labels/val/000000000036.txt" and "Labels/val/extra.txt" clash ("labels" and "Labels" differ only in letter case or Unicode form)',
    );
    await refused(
      zipOf([
        { name: 'caf\u00e9.txt', data: '1' },
        { name: 'cafe\u0301.txt', data: '2' },
      ]),
      'archive refused: entries "caf\u00e9.txt" and "cafe\u0301.txt" clash ("caf\u00e9.txt" and "cafe\u0301.txt" differ only in letter case or Unicode form)',
    );
  });

  it('refuses a 200 MB label file from a sub-megabyte tar.gz by its size, before reading a byte of it', async (ctx) => {
    if (!t) return ctx.skip();
    const size = 200 * MiB;
    const tar = await tarBytes([
      { name: 'images/val/a.png', data: await tinyPng() },
      { name: 'labels/val/a.txt', size, chunks: () => repeatedLines('x\n', size) },
    ]);
    expect(tar.length).toBeLessThan(MiB);
    const res = await refused(tar, `archive refused: "labels/val/a.txt" is ${size} bytes, over the ${64 * MiB}-byte limit for a label, annotation or other file`);
    expect(res.body.error).toMatchObject({ entries: ['labels/val/a.txt'], limit: 64 * MiB });
  });

  it('reads a 20 MB label file of bad rows line by line and names the first 20 with file:line, then a count', async (ctx) => {
    if (!t) return ctx.skip();
    const size = 20 * MiB;
    let rows = 0;
    for (const chunk of badRows(size, 32)) for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) rows++;
    const tar = await tarBytes([
      { name: 'images/val/a.png', data: await tinyPng() },
      { name: 'labels/val/a.txt', size, chunks: () => badRows(size, 32) },
    ]);
    // It compresses like text (~20×), within the 50× ratio: the rows themselves are what is refused.
    expect(tar.length).toBeGreaterThan(size / 50);
    const shown = Array.from({ length: 20 }, (_, i) => `labels/val/a.txt:${i + 1}: expected 5 values (class xc yc w h), got 1`);
    const res = await refused(tar, `dataset has ${rows} malformed row(s): ${shown.join('; ')} (and ${rows - 20} more)`);
    expect(res.body.error).toMatchObject({ problems: shown, problemCount: rows });
    // The same size of "x\n" alone compresses 1000×: refused by the ratio before extraction goes that far.
    const bomb = await tarBytes([
      { name: 'images/val/a.png', data: await tinyPng() },
      { name: 'labels/val/a.txt', size, chunks: () => repeatedLines('x\n', size) },
    ]);
    await refused(bomb, `archive refused: it would extract to more than 50 times its own ${bomb.length} bytes`);
  }, 120_000);

  it('refuses zero-filled .jpg files: 1 GiB of them in a 1 MB zip by ratio, a small one by its missing header', async (ctx) => {
    if (!t) return ctx.skip();
    const zeros = await deflatedZeros(64 * MiB);
    const bomb = zipOf(Array.from({ length: 16 }, (_, i) => ({ name: `images/val/zero${i}.jpg`, deflated: zeros })));
    expect(bomb.length).toBeLessThan(2 * MiB);
    await refused(bomb, `archive refused: it would extract to more than 50 times its own ${bomb.length} bytes`);
    const one = zipOf([{ name: 'images/val/huge.jpg', deflated: await deflatedZeros(100 * MiB) }]);
    await refused(one, `archive refused: "images/val/huge.jpg" is ${100 * MiB} bytes, over the ${64 * MiB}-byte limit for an image`);
    // Stored, not compressed: no ratio to catch it, only the image check.
    const res = await refused(
      zipOf([...coco8ValEntries(), { name: 'images/val/zero.jpg', data: Buffer.alloc(100_000) }]),
      'dataset has 1 image file(s) that are not usable images: images/val/zero.jpg: not an image (no JPEG, PNG, WebP or TIFF header)',
    );
    expect(res.body.error).toMatchObject({ problems: ['images/val/zero.jpg: not an image (no JPEG, PNG, WebP or TIFF header)'], problemCount: 1 });
    const truncated = readFileSync(join(COCO8, 'images/val/000000000036.jpg')).subarray(0, 200);
    await refused(
      zipOf([...coco8ValEntries(), { name: 'images/val/cut.jpg', data: truncated }]),
      /^dataset has 1 image file\(s\) that are not usable images: images\/val\/cut\.jpg: unreadable JPEG \(.+\)$/,
    );
  });

  it('refuses an archive past the entry limit (100 here), zip and tar', async (ctx) => {
    if (!t) return ctx.skip();
    const many = Array.from({ length: 150 }, (_, i) => ({ name: `labels/val/${i}.txt`, data: '' }));
    const res = await refused(zipOf(many), 'archive refused: it holds more than 100 entries');
    expect(res.body.error.limit).toBe(100);
    await refused(await tarBytes(many as TarEntry[]), 'archive refused: it holds more than 100 entries');
  });

  it('keeps refusing links and paths that leave the archive', async (ctx) => {
    if (!t) return ctx.skip();
    await refused(
      zipOf([...coco8ValEntries(), { name: 'images/val/evil.jpg', data: '/etc/passwd', mode: 0o120777 }]),
      'archive refused: images/val/evil.jpg is a symbolic link; only plain files are accepted',
    );
    await refused(await tarBytes([{ name: '../evil.txt', data: 'x' }]), 'archive refused: ../evil.txt (path leaves the archive)');
  });

  it('still registers a good dataset afterwards, leaving only its archive', async (ctx) => {
    if (!t) return ctx.skip();
    const res = await t.http().post('/datasets/upload?name=good&format=YOLO&classNames=coco80').send(zipOf(coco8ValEntries()));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.counts).toMatchObject({ images: 4, labelled: 4, boxes: 17 });
    expect(leftovers(t)).toEqual([`store/${res.body.digest}.tar`]);
  });

  it('applies the same checks to a server-side folder (importDataset)', async (ctx) => {
    if (!t || dialect !== 'sqlite') return ctx.skip();
    const root = join(mkdtempSync(join(tmpdir(), 'podium-import-')), 'coco8val');
    for (const part of ['images', 'labels']) {
      mkdirSync(join(root, part), { recursive: true });
      cpSync(join(COCO8, part, 'val'), join(root, part, 'val'), { recursive: true });
    }
    writeFileSync(join(root, 'images/val/zero.jpg'), Buffer.alloc(1000));
    const importing = (path: string) => t!.gql('mutation($i: ImportDatasetInput!) { importDataset(input: $i) { name } }', { i: { name: 'imported', path, format: 'YOLO', classNames: ['coco80'] } });
    const bad = await importing(root);
    expect(bad.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(bad.errors[0].message).toBe('dataset has 1 image file(s) that are not usable images: images/val/zero.jpg: not an image (no JPEG, PNG, WebP or TIFF header)');
    const crowded = join(root, '..', 'crowded');
    mkdirSync(crowded);
    for (let i = 0; i < 101; i++) writeFileSync(join(crowded, `${i}.txt`), '');
    const many = await importing(crowded);
    expect(many.errors[0].message).toBe('dataset refused: it holds more than 100 entries');
    expect(leftovers(t).filter((n) => n.startsWith('work/'))).toEqual([]);
  });
});

let png: Buffer | undefined;
async function tinyPng(): Promise<Buffer> {
  png ??= await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } })
    .png()
    .toBuffer();
  return png;
}
