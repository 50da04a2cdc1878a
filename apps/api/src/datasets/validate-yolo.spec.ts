import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../common/app-error';
import { FolderSource } from './dataset-source';
import { validateYolo } from './validate-yolo';

const COCO8_VAL = resolve(__dirname, '../../../../assets/datasets/coco8');
const NAMES = Array.from({ length: 80 }, (_, i) => `c${i}`);
const LIMITS = { maxEntries: 1000, maxFileBytes: 64 * 1024 ** 2, maxImageBytes: 64 * 1024 ** 2, maxExtractedBytes: 1024 ** 3, maxRatio: 50 };

describe('validateYolo', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const coco8Val = () => {
    const root = mkdtempSync(join(tmpdir(), 'podium-yolo-'));
    dirs.push(root);
    for (const part of ['images', 'labels']) cpSync(join(COCO8_VAL, part, 'val'), join(root, part, 'val'), { recursive: true });
    return root;
  };
  const refusal = (root: string, names?: string[]) => {
    try {
      validateYolo(new FolderSource(root, LIMITS), names);
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      return e as AppError;
    }
    throw new Error('expected a refusal');
  };

  it('counts COCO8 val', () => {
    const root = coco8Val();
    const layout = validateYolo(new FolderSource(root, LIMITS), NAMES);
    expect(layout).toMatchObject({ imagesDir: 'images/val', labelsDir: 'labels/val', counts: { images: 4, labelled: 4, backgrounds: 0, orphans: 0, boxes: 17 } });
  });

  it('names the first 20 bad rows with file:line and counts the rest, reading a 1,000,000-row file', () => {
    const root = coco8Val();
    writeFileSync(join(root, 'labels/val/000000000036.txt'), Buffer.alloc(2_000_000, 'x\n'));
    const error = refusal(root, NAMES);
    const shown = Array.from({ length: 20 }, (_, i) => `labels/val/000000000036.txt:${i + 1}: expected 5 values (class xc yc w h), got 1`);
    expect(error.message).toBe(`dataset has 1000000 malformed row(s): ${shown.join('; ')} (and 999980 more)`);
    expect(error.details).toEqual({ problems: shown, problemCount: 1_000_000 });
  });

  it('reports a line too long to be a label row without reading it whole', () => {
    const root = coco8Val();
    writeFileSync(join(root, 'labels/val/000000000042.txt'), `0 0.5 0.5 0.1 0.1\n${'9'.repeat(10_000)}\n`);
    expect(refusal(root, NAMES).message).toBe('dataset has 1 malformed row(s): labels/val/000000000042.txt:2: line longer than 4096 bytes');
  });

  it('reads class names from classes.txt, within bounds', () => {
    const root = coco8Val();
    writeFileSync(join(root, 'labels/val/classes.txt'), Array.from({ length: 80 }, (_, i) => `name${i}`).join('\n'));
    expect(validateYolo(new FolderSource(root, LIMITS), undefined).classNames[79]).toBe('name79');
    writeFileSync(join(root, 'labels/val/classes.txt'), Buffer.alloc(20_002, 'y\n'));
    expect(refusal(root).message).toBe('labels/val/classes.txt: more than 10000 class names');
  });
});
