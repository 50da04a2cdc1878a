import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WorkerError } from '../errors/worker-error';
import { readDataset } from './dataset-reader';

const coco128 = resolve(__dirname, '../../../../assets/datasets/coco128');

describe('readDataset', () => {
  it('pairs YOLO labels by image: backgrounds kept, orphan label files ignored', () => {
    const ds = readDataset({ format: 'YOLO', imagesDir: `${coco128}/images/train2017`, labelsDir: `${coco128}/labels/train2017` });
    expect(ds.items).toHaveLength(128);
    const boxes = ds.items.map((i) => i.groundTruth(640, 480).classes.length);
    expect(boxes.reduce((a, b) => a + b, 0)).toBe(929);
    expect(boxes.filter((n) => n === 0)).toHaveLength(2);
    expect(ds.items.some((i) => i.imageId === '000000000656')).toBe(false);
    const persons = ds.items.reduce((n, i) => n + Array.from(i.groundTruth(640, 480).classes).filter((c) => c === 0).length, 0);
    expect(persons).toBe(254);
  });

  it('turns normalised xc, yc, w, h into xyxy pixels of the decoded size', () => {
    const dir = mkdtempSync(join(tmpdir(), 'podium-ds-'));
    mkdirSync(join(dir, 'images'));
    mkdirSync(join(dir, 'labels'));
    writeFileSync(join(dir, 'images/a.jpg'), '');
    writeFileSync(join(dir, 'labels/a.txt'), '3 0.5 0.5 0.25 0.5\n');
    const [item] = readDataset({ format: 'YOLO', imagesDir: join(dir, 'images'), labelsDir: join(dir, 'labels') }).items;
    const gt = item.groundTruth(800, 600);
    expect(Array.from(gt.boxes)).toEqual([300, 150, 500, 450]);
    expect(Array.from(gt.classes)).toEqual([3]);
  });

  it('reads label rows as Ultralytics does: a polygon row as its bounding box, duplicate rows once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'podium-ds-'));
    mkdirSync(join(dir, 'images'));
    mkdirSync(join(dir, 'labels'));
    writeFileSync(join(dir, 'images/s.jpg'), '');
    writeFileSync(join(dir, 'labels/s.txt'), '2 0.25 0.25 0.75 0.25 0.75 0.5 0.25 0.5\n');
    writeFileSync(join(dir, 'images/d.jpg'), '');
    writeFileSync(join(dir, 'labels/d.txt'), '1 0.5 0.5 0.5 0.5\n1 0.5 0.5 0.5 0.5\n');
    const items = readDataset({ format: 'YOLO', imagesDir: join(dir, 'images'), labelsDir: join(dir, 'labels') }).items;
    const gt = (id: string) => items.find((i) => i.imageId === id)!.groundTruth(400, 200);
    expect(Array.from(gt('s').boxes)).toEqual([100, 50, 300, 100]);
    expect(Array.from(gt('s').classes)).toEqual([2]);
    expect(Array.from(gt('d').boxes)).toEqual([100, 50, 300, 150]);
    expect(Array.from(gt('d').classes)).toEqual([1]);
  });

  it('names the file and line of a malformed label row', () => {
    const dir = mkdtempSync(join(tmpdir(), 'podium-ds-'));
    mkdirSync(join(dir, 'images'));
    mkdirSync(join(dir, 'labels'));
    writeFileSync(join(dir, 'images/b.jpg'), '');
    writeFileSync(join(dir, 'labels/b.txt'), '0 0.5 0.5 0.1 0.1\n1 0.5 oops 0.1 0.1\n');
    expect(() => readDataset({ format: 'YOLO', imagesDir: join(dir, 'images'), labelsDir: join(dir, 'labels') })).toThrow(WorkerError);
    expect(() => readDataset({ format: 'YOLO', imagesDir: join(dir, 'images'), labelsDir: join(dir, 'labels') })).toThrow(/b\.txt:2: malformed label row/);
  });

  it('reads a COCO instances json with categories sorted by id as the class index, crowd flags kept', () => {
    const ds = readDataset({ format: 'COCO', imagesDir: `${coco128}/images/train2017`, annotationsPath: `${coco128}/annotations/instances_train2017.json` });
    expect(ds.items).toHaveLength(128);
    expect(ds.numClasses).toBe(80);
    expect(ds.classNames?.[0]).toBe('person');
    const gts = ds.items.map((i) => i.groundTruth(0, 0));
    expect(gts.reduce((n, g) => n + g.classes.length, 0)).toBe(939);
    expect(gts.reduce((n, g) => n + Array.from(g.iscrowd!).filter((c) => c === 1).length, 0)).toBe(10);
  });

  it('refuses a COCO file_name that climbs out of the images directory as DATASET_INVALID', () => {
    const dir = mkdtempSync(join(tmpdir(), 'podium-ds-'));
    mkdirSync(join(dir, 'images'));
    const annotations = join(dir, 'instances.json');
    writeFileSync(annotations, JSON.stringify({ images: [{ id: 1, file_name: '../../secret.jpg', width: 4, height: 4 }], annotations: [], categories: [{ id: 1, name: 'a' }] }));
    try {
      readDataset({ format: 'COCO', imagesDir: join(dir, 'images'), annotationsPath: annotations });
      throw new Error('expected a WorkerError');
    } catch (error) {
      expect((error as WorkerError).code).toBe('DATASET_INVALID');
      expect((error as Error).message).toMatch(/file_name \.\.\/\.\.\/secret\.jpg leaves the images directory/);
    }
  });

  it('refuses a missing images directory as DATASET_INVALID', () => {
    try {
      readDataset({ format: 'YOLO', imagesDir: '/nonexistent/images', labelsDir: '/nonexistent/labels' });
      throw new Error('expected a WorkerError');
    } catch (error) {
      expect((error as WorkerError).code).toBe('DATASET_INVALID');
      expect((error as Error).message).toMatch(/\/nonexistent\/images does not exist/);
    }
  });
});
