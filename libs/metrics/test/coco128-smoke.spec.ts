// Real-data smoke on assets/datasets/coco128: the ground truth given back as predictions with score 1.
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, parseArgs, runCli } from '../src/cli';
import { readYoloDataset } from '../src';

const coco128 = join(__dirname, '..', '..', '..', 'assets', 'datasets', 'coco128');
const imagesDir = join(coco128, 'images', 'train2017');
const labelsDir = join(coco128, 'labels', 'train2017');
const instances = join(coco128, 'annotations', 'instances_train2017.json');
const dir = mkdtempSync(join(tmpdir(), 'metrics-cli-'));

const yoloPreds = join(dir, 'yolo-preds.json');
const ds = readYoloDataset({ imagesDir, labelsDir });
writeFileSync(
  yoloPreds,
  JSON.stringify(ds.images.flatMap((im) => Array.from(im.gt.classes, (cls, k) => ({ image: im.imageId, cls, box: Array.from(im.gt.boxes.subarray(4 * k, 4 * k + 4)), score: 1 })))),
);
const cocoPreds = join(dir, 'coco-preds.json');
const gtJson = JSON.parse(readFileSync(instances, 'utf8')) as { annotations: { image_id: number; category_id: number; bbox: number[]; iscrowd: number }[] };
writeFileSync(cocoPreds, JSON.stringify(gtJson.annotations.filter((a) => !a.iscrowd).map((a) => ({ image_id: a.image_id, category_id: a.category_id, bbox: a.bbox, score: 1 }))));

describe('COCO128, ground truth as predictions', () => {
  it('ultralytics: mAP50 0.995 for every one of the 71 classes', () => {
    const r = runCli(parseArgs(['--gt', labelsDir, '--images', imagesDir, '--dt', yoloPreds, '--protocol', 'ultralytics']));
    expect(r.perClass).toHaveLength(71);
    for (const c of r.perClass) expect(c.ap50).toBeCloseTo(0.995, 12);
    expect(r.map50).toBeCloseTo(0.995, 12);
    expect(r.map50_95).toBeCloseTo(0.995, 12);
    expect(r.precision).toBe(1);
    expect(r.recall).toBe(1);
    expect(r.counts).toMatchObject({ images: 128, backgrounds: 2, labels: 929, predictions: 929 });
  });

  it('coco on the instances json: AP 1.0 with the crowd regions ignored', () => {
    const r = runCli(parseArgs(['--gt', instances, '--dt', cocoPreds, '--protocol', 'coco']));
    expect(r.stats?.ap).toBeCloseTo(1, 12);
    expect(r.stats?.ap50).toBeCloseTo(1, 12);
    expect(r.stats?.ar100).toBeCloseTo(1, 12);
    expect(r.map50_95).toBe(r.stats?.ap);
    expect(r.counts.crowdLabels).toBe(10);
    expect(r.perCategory?.every((c) => c.ap === -1 || Math.abs(c.ap - 1) < 1e-12)).toBe(true);
  });

  it('filters to person only and reports the operating point at --conf', () => {
    const r = runCli(parseArgs(['--gt', labelsDir, '--images', imagesDir, '--dt', yoloPreds, '--protocol', 'coco', '--classes', '0', '--conf', '0.5']));
    expect(r.perClass.map((c) => [c.classId, c.nLabels])).toEqual([[0, 254]]);
    expect(r.operatingPoint).toMatchObject({ confidence: 0.5, precision: 1, recall: 1, tp: 254, fp: 0, fn: 0 });
    expect(r.f1Curve.perClass).toEqual([]);
  });
});

describe('CLI arguments and errors', () => {
  it('rejects a missing protocol and unknown flags with exit code 2', () => {
    expect(() => parseArgs(['--gt', 'a', '--dt', 'b'])).toThrow(/--protocol/);
    expect(() => parseArgs(['--gt', 'a', '--dt', 'b', '--protocol', 'coco', '--bogus'])).toThrow(/unknown argument/);
    expect(main(['--gt', 'a', '--dt', 'b'])).toBe(2);
  });

  it('exits 1 with a typed error for predictions on an image the ground truth does not hold', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ image_id: 123456789, category_id: 1, bbox: [0, 0, 1, 1], score: 0.5 }]));
    expect(() => runCli(parseArgs(['--gt', instances, '--dt', bad, '--protocol', 'coco']))).toThrow(expect.objectContaining({ code: 'UNKNOWN_IMAGE' }));
    expect(main(['--gt', instances, '--dt', bad, '--protocol', 'coco'])).toBe(1);
  });
});
