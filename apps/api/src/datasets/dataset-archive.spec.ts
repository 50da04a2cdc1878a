import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { list as tarList } from 'tar';
import { afterEach, describe, expect, it } from 'vitest';
import { deflated, deflatedZeros, repeatedLines, tarBytes, zipOf } from '../../test/support/archives';
import { AppError } from '../common/app-error';
import { extractArchive, writeNormalisedTar } from './dataset-archive';
import type { DatasetLimits } from './dataset-limits';
import { FolderSource, readWhole, type SpoolSource } from './dataset-source';

const MiB = 1024 * 1024;
const LIMITS: DatasetLimits = { maxEntries: 1000, maxFileBytes: 4 * MiB, maxImageBytes: 8 * MiB, maxExtractedBytes: 64 * MiB, maxRatio: 50 };
const COCO8_IMAGE = resolve(__dirname, '../../../../assets/datasets/coco8/images/val/000000000036.jpg');

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'podium-archive-spec-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Extracts `bytes` as an uploaded archive; resolves to the extracted files (path → content) or the refusal. */
async function extract(bytes: Buffer, limits: DatasetLimits = LIMITS): Promise<Record<string, string> | { code: string; message: string }> {
  const dir = tempDir();
  writeFileSync(join(dir, 'upload'), bytes);
  let source: SpoolSource;
  try {
    source = await extractArchive(join(dir, 'upload'), join(dir, 'spool'), limits);
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return { code: e.code, message: e.message };
  }
  const files: Record<string, string> = {};
  for (const file of source.files) files[file.path] = readWhole(source, file).toString('utf8');
  source.close();
  return files;
}

describe('extractArchive', () => {
  it('extracts plain files and folders from a zip (stored and deflated), a tar and a tar.gz', async () => {
    const entries = [
      { name: 'd/', dir: true },
      { name: 'd/a.txt', data: 'alpha' },
      { name: 'd/e/b.txt', data: 'beta' },
    ];
    // One top folder: the dataset is that folder's content.
    const expected = { 'a.txt': 'alpha', 'e/b.txt': 'beta' };
    expect(await extract(zipOf(entries))).toEqual(expected);
    expect(await extract(zipOf(entries.map((e) => (e.data ? { name: e.name, deflated: deflated(e.data) } : e))))).toEqual(expected);
    expect(await extract(await tarBytes(entries, { gzip: false }))).toEqual(expected);
    expect(await extract(await tarBytes(entries))).toEqual(expected);
  });

  it('refuses what is not a whole tar or zip', async () => {
    expect(await extract(Buffer.from('hello, not an archive'))).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/^not a readable tar or zip archive: /) });
    const cut = gzipSync(Buffer.from(await tarBytes([{ name: 'a.txt', data: 'x'.repeat(5000) }], { gzip: false })).subarray(0, 1500));
    expect(await extract(cut)).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/^not a readable tar or zip archive: .*Truncated input/) });
    expect(await extract(zipOf([{ name: 'a.txt', data: 'abc' }]).subarray(0, 40))).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/^not a readable zip archive: /) });
  });

  it('refuses a zip entry that inflates past the size it declares', async () => {
    const real = deflated('0123456789'.repeat(100));
    const lying = zipOf([{ name: 'a.txt', deflated: { ...real, size: 10 } }]);
    expect(await extract(lying)).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/^zip entry "a.txt" unreadable: too many bytes in the stream/) });
  });

  it('bounds each file by its kind, the total, the ratio and the entry count', async () => {
    expect(await extract(await tarBytes([{ name: 'big.txt', size: 5 * MiB, chunks: () => repeatedLines('x\n', 5 * MiB) }]))).toEqual({
      code: 'BAD_USER_INPUT',
      message: `archive refused: "big.txt" is ${5 * MiB} bytes, over the ${4 * MiB}-byte limit for a label, annotation or other file`,
    });
    expect(await extract(zipOf([{ name: 'labels/a.txt', deflated: await deflatedZeros(4 * MiB + 1) }]))).toEqual({
      code: 'BAD_USER_INPUT',
      message: `archive refused: "labels/a.txt" is ${4 * MiB + 1} bytes, over the ${4 * MiB}-byte limit for a label, annotation or other file`,
    });
    // The same size is fine for an image (its own cap); the ratio allowance is lifted here to show the size rule alone.
    const image = zipOf([{ name: 'images/a.jpg', deflated: await deflatedZeros(4 * MiB + 1) }]);
    expect(await extract(image, { ...LIMITS, maxRatio: 100_000 })).toEqual({ 'a.jpg': '\0'.repeat(4 * MiB + 1) });
    expect(await extract(image)).toEqual({ code: 'BAD_USER_INPUT', message: `archive refused: it would extract to more than 50 times its own ${image.length} bytes` });
    const three = zipOf(['a', 'b', 'c'].map((n) => ({ name: `${n}.txt`, data: 'x'.repeat(400) })));
    expect(await extract(three, { ...LIMITS, maxExtractedBytes: 1000 })).toEqual({ code: 'BAD_USER_INPUT', message: 'archive refused: its files add up to more than 1000 bytes' });
    expect(await extract(three, { ...LIMITS, maxEntries: 2 })).toEqual({ code: 'BAD_USER_INPUT', message: 'archive refused: it holds more than 2 entries' });
    expect(await extract(await tarBytes(['a', 'b', 'c'].map((n) => ({ name: `${n}.txt`, data: 'x' }))), { ...LIMITS, maxEntries: 2 })).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'archive refused: it holds more than 2 entries',
    });
  });

  it('refuses links and special files, zip and tar', async () => {
    expect(await extract(zipOf([{ name: 'a.jpg', data: '/etc/passwd', mode: 0o120777 }]))).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'archive refused: a.jpg is a symbolic link; only plain files are accepted',
    });
    expect(await extract(zipOf([{ name: 'fifo', mode: 0o010644 }]))).toEqual({ code: 'BAD_USER_INPUT', message: 'archive refused: fifo is a special file; only plain files are accepted' });
  });

  it('keeps a real image byte for byte, and takes an archive of one folder as that folder', async () => {
    const jpg = readFileSync(COCO8_IMAGE);
    const dir = tempDir();
    writeFileSync(
      join(dir, 'u'),
      zipOf([
        { name: 'c/i/a.jpg', deflated: deflated(jpg) },
        { name: 'c/l/a.txt', data: 'x' },
        { name: '__MACOSX/c/._a.jpg', data: 'y' },
      ]),
    );
    const source = await extractArchive(join(dir, 'u'), join(dir, 's'), LIMITS);
    expect(source.files).toEqual([
      { path: 'i/a.jpg', size: jpg.length },
      { path: 'l/a.txt', size: 1 },
    ]);
    expect(readWhole(source, source.files[0]).equals(jpg)).toBe(true);
    source.close();
  });
});

describe('writeNormalisedTar', () => {
  it('gives the same bytes for the same content, from a folder or an archive, and tar reads them back', async () => {
    const root = tempDir();
    const long = `labels/${'n'.repeat(150)}.txt`;
    mkdirSync(join(root, 'labels'));
    writeFileSync(join(root, 'labels', 'a.txt'), '0 0.5 0.5 0.1 0.1\n');
    writeFileSync(join(root, long), 'x'.repeat(1000));
    writeFileSync(join(root, 'README'), 'two top-level entries: the archive root is kept');
    const out = tempDir();
    const folder = new FolderSource(root, LIMITS);
    const size = writeNormalisedTar(folder, join(out, 'x.tar'));
    writeFileSync(
      join(out, 'up.tar'),
      await tarBytes([
        { name: 'labels/a.txt', data: '0 0.5 0.5 0.1 0.1\n' },
        { name: long, data: 'x'.repeat(1000) },
        { name: 'README', data: 'two top-level entries: the archive root is kept' },
      ]),
    );
    const spool = await extractArchive(join(out, 'up.tar'), join(out, 'spool'), LIMITS);
    expect(writeNormalisedTar(spool, join(out, 'y.tar'))).toBe(size);
    spool.close();
    expect(readFileSync(join(out, 'x.tar')).equals(readFileSync(join(out, 'y.tar')))).toBe(true);
    const read: Record<string, number> = {};
    await tarList({ file: join(out, 'x.tar'), strict: true, onReadEntry: (e) => void (read[e.path] = e.size) });
    expect(read).toEqual({ [long]: 1000, 'labels/a.txt': 18, README: 47 });
  });

  it('removes its partial file when the archive cannot be written', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'a.txt'), 'abc');
    const folder = new FolderSource(root, LIMITS);
    rmSync(join(root, 'a.txt'));
    const out = tempDir();
    expect(() => writeNormalisedTar(folder, join(out, 'd.tar'))).toThrow(/ENOENT/);
    expect(readdirSync(out)).toEqual([]);
  });
});
