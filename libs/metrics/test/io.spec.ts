import { mkdtempSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { MetricsError, parseCocoDataset, parsePredictions, parseYoloLabels, readCocoDataset, readImageSize, readYoloDataset } from '../src';

const coco128 = join(__dirname, '..', '..', '..', 'assets', 'datasets', 'coco128');
const imagesDir = join(coco128, 'images', 'train2017');
const labelsDir = join(coco128, 'labels', 'train2017');

describe('YOLO label rows', () => {
  it('reads class xc yc w h rows as float32 values', () => {
    const rows = parseYoloLabels('0 0.5 0.5 0.2 0.1\n\n3 0.25 0.75 0.5 0.5\n', 'a.txt');
    expect(Array.from(rows.classes)).toEqual([0, 3]);
    expect(rows.xywhn[3]).toBe(Math.fround(0.1));
  });

  it('turns polygon rows into their bounding boxes', () => {
    const rows = parseYoloLabels('2 0.1 0.2 0.5 0.2 0.5 0.6 0.1 0.6\n', 'seg.txt');
    expect(Array.from(rows.xywhn).map((v) => +v.toFixed(6))).toEqual([0.3, 0.4, 0.4, 0.4]);
  });

  it('removes duplicate rows', () => {
    const rows = parseYoloLabels('1 0.5 0.5 0.2 0.2\n0 0.1 0.1 0.1 0.1\n1 0.5 0.5 0.2 0.2\n', 'dup.txt');
    expect(rows.duplicatesRemoved).toBe(1);
    expect(Array.from(rows.classes)).toEqual([0, 1]);
  });

  it.each([
    ['0 0.5 0.5 0.2\n', 2, /a.txt:2: expected 5 columns/, '1 0.1 0.1 0.1 0.1\n'],
    ['0 0.5 abc 0.2 0.1\n', 1, /"abc" is not a number/, ''],
    ['0 0.5 0.5 1.2 0.1\n', 1, /normalised/, ''],
    ['-1 0.5 0.5 0.2 0.1\n', 1, /negative/, ''],
    ['0.5 0.5 0.5 0.2 0.1\n', 1, /not an integer/, ''],
  ])('rejects the malformed row %j with a typed error naming file and line', (row, line, message, before) => {
    try {
      parseYoloLabels(before + row, 'a.txt');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(MetricsError);
      expect((e as MetricsError).code).toBe('MALFORMED_LABEL');
      expect((e as MetricsError).details).toEqual({ file: 'a.txt', line });
      expect((e as MetricsError).message).toMatch(message);
    }
  });
});

describe('image sizes from headers', () => {
  it('agrees with sharp on every COCO128 image', async () => {
    for (const f of readdirSync(imagesDir)) {
      const meta = await sharp(join(imagesDir, f)).metadata();
      const rotated = meta.orientation === 6 || meta.orientation === 8;
      expect(readImageSize(join(imagesDir, f))).toEqual(rotated ? { width: meta.height, height: meta.width } : { width: meta.width, height: meta.height });
    }
  });

  it('reads a PNG header and rejects a file that is no image', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metrics-'));
    const png = join(dir, 'x.png');
    await sharp({ create: { width: 37, height: 21, channels: 3, background: '#000' } })
      .png()
      .toFile(png);
    expect(readImageSize(png)).toEqual({ width: 37, height: 21 });
    const txt = join(dir, 'x.jpg');
    writeFileSync(txt, 'hello');
    expect(() => readImageSize(txt)).toThrow(expect.objectContaining({ code: 'UNREADABLE_IMAGE' }));
  });

  it('finds the frame header of a JPEG behind more than 64 KiB of metadata', () => {
    const segment = (marker: number, payload: number) => {
      const b = Buffer.alloc(4 + payload);
      b.writeUInt16BE(0xff00 | marker, 0);
      b.writeUInt16BE(payload + 2, 2);
      return b;
    };
    const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0x23, 0x04, 0x56, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    const file = join(mkdtempSync(join(tmpdir(), 'metrics-')), 'big-exif.jpg');
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xd8]), segment(0xe1, 65000), segment(0xe2, 9000), sof, Buffer.from([0xff, 0xd9])]));
    expect(readImageSize(file)).toEqual({ width: 0x456, height: 0x123 });
  });

  it('swaps the sides of a JPEG whose EXIF orientation is 6', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metrics-'));
    const file = join(dir, 'r.jpg');
    await sharp({ create: { width: 40, height: 10, channels: 3, background: '#fff' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toFile(file);
    expect(readImageSize(file)).toEqual({ width: 10, height: 40 });
  });
});

describe('readYoloDataset on COCO128', () => {
  it('pairs labels by image: 128 images, 2 backgrounds, 2 orphan label files ignored, 929 boxes', () => {
    const ds = readYoloDataset({ imagesDir, labelsDir });
    expect(ds.counts).toEqual({ images: 128, labelled: 126, backgrounds: 2, boxes: 929, orphanLabels: 2, duplicatesRemoved: 0, classes: 71 });
    const bg = ds.images.filter((im) => im.gt.classes.length === 0).map((im) => im.imageId);
    expect(bg).toEqual(['000000000250', '000000000508']);
    const first = ds.images[0];
    expect(first).toMatchObject({ imageId: '000000000009', width: 640, height: 480 });
    // label 45 0.479492 0.688771 0.955609 0.5955 -> xyxy pixels
    const f = Math.fround;
    expect(first.gt.boxes[0]).toBeCloseTo((f(0.479492) - f(0.955609) / 2) * 640, 9);
    expect(first.gt.boxes[3]).toBeCloseTo((f(0.688771) + f(0.5955) / 2) * 480, 9);
  });

  it('filters classes at read time (person: 254 boxes in 61 images)', () => {
    const ds = readYoloDataset({ imagesDir, labelsDir, classes: [0] });
    expect(ds.counts.boxes).toBe(254);
    expect(ds.images.filter((im) => im.gt.classes.length > 0).length).toBe(61);
  });
});

describe('COCO json readers', () => {
  it('reads instances with crowd flags and annotation areas', () => {
    const ds = readCocoDataset(join(coco128, 'annotations', 'instances_train2017.json'));
    expect(ds.counts).toMatchObject({ images: 128, boxes: 929, crowd: 10 });
    expect(ds.classNames[1]).toBe('person');
  });

  it('keeps xywh untouched on request and rejects malformed annotations', () => {
    const json = { images: [{ id: 1, width: 10, height: 10 }], annotations: [{ image_id: 1, category_id: 2, bbox: [0.1, 0.2, 3.3, 4.4], area: 5, iscrowd: 0 }], categories: [{ id: 2, name: 'b' }] };
    const ds = parseCocoDataset(json, 'i.json', { boxFormat: 'xywh' });
    expect(Array.from(ds.images[0].gt.boxes)).toEqual([0.1, 0.2, 3.3, 4.4]);
    expect(ds.images[0].gt.format).toBe('xywh');
    expect(() => parseCocoDataset({ images: [], annotations: [{ image_id: 1, bbox: [1] }] }, 'bad.json')).toThrow(expect.objectContaining({ code: 'MALFORMED_ANNOTATIONS' }));
  });

  it('groups prediction files of both shapes by image in file order', () => {
    const coco = parsePredictions(
      [
        { image_id: 3, category_id: 1, bbox: [1, 2, 3, 4], score: 0.5 },
        { image_id: 3, category_id: 2, bbox: [0, 0, 1, 1], score: 0.7 },
      ],
      'p.json',
    );
    expect(coco.get(3)).toMatchObject({ format: 'xywh' });
    expect(Array.from(coco.get(3)!.scores)).toEqual([0.5, 0.7]);
    const yolo = parsePredictions([{ image: 'abc', cls: 0, box: [1, 2, 3, 4], score: 0.25 }], 'p.json');
    expect(yolo.get('abc')).toMatchObject({ format: 'xyxy' });
    expect(() => parsePredictions([{ image: 'abc', cls: 0, box: [1, 2], score: 0.25 }], 'p.json')).toThrow(/prediction 0 needs/);
  });
});
