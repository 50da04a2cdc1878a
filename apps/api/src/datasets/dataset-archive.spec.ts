import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeNormalisedTar } from './dataset-archive';

describe('writeNormalisedTar', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'podium-tar-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('gives the same bytes for the same content and leaves only the archive', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'labels'));
    writeFileSync(join(root, 'labels', 'a.txt'), '0 0.5 0.5 0.1 0.1\n');
    const out = tempDir();
    const files = [{ path: 'labels/a.txt', size: 18 }];
    const size = await writeNormalisedTar(root, files, join(out, 'x.tar'));
    expect(await writeNormalisedTar(root, files, join(out, 'y.tar'))).toBe(size);
    expect(readdirSync(out).sort()).toEqual(['x.tar', 'y.tar']);
  });

  it('removes its partial file when the archive cannot be written', async () => {
    const root = tempDir();
    const out = tempDir();
    await expect(writeNormalisedTar(root, [{ path: 'missing.jpg', size: 1 }], join(out, 'd.tar'))).rejects.toThrow(/ENOENT/);
    expect(readdirSync(out)).toEqual([]);
  });
});
