// Benchmark of libs/metrics: both protocols on a COCO128-sized prediction set (the real COCO128 labels and image
// sizes, ~25k synthetic predictions as a conf >= 0.001 detector emits) and on a synthetic 5,000-image set.
// Run: npm run build && node dist/bench/metrics-bench.js   (prints figures; asserts nothing)
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createAccumulator, readYoloDataset, type ImageInput, type Protocol } from '@podium/metrics';

/** The repository root: the first folder above this file that holds assets/ (dist/bench/… or bench/…). */
function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'assets', 'datasets')) && dirname(dir) !== dir) dir = dirname(dir);
  return process.env.PODIUM_ROOT ?? dir;
}
const coco128 = join(repoRoot(), 'assets', 'datasets', 'coco128');

/** Deterministic generator so every run measures the same data. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
}

interface Labelled {
  imageId: string | number;
  width: number;
  height: number;
  boxes: Float64Array;
  classes: Int32Array;
}

/** Detector-like predictions: jittered copies of labels with high scores, many low-score boxes, class confusions. */
function predict(images: Labelled[], perImage: number, nc: number, seed: number): ImageInput[] {
  const r = lcg(seed);
  return images.map((im) => {
    const boxes: number[] = [];
    const scores: number[] = [];
    const classes: number[] = [];
    const n = im.classes.length;
    for (let g = 0; g < n && boxes.length / 4 < perImage; g++) {
      const copies = 1 + Math.floor(r() * 3);
      for (let k = 0; k < copies; k++) {
        const x1 = im.boxes[4 * g],
          y1 = im.boxes[4 * g + 1],
          x2 = im.boxes[4 * g + 2],
          y2 = im.boxes[4 * g + 3];
        const w = x2 - x1,
          h = y2 - y1,
          j = 0.05 + 0.4 * r();
        boxes.push(x1 + (r() - 0.5) * j * w, y1 + (r() - 0.5) * j * h, x2 + (r() - 0.5) * j * w, y2 + (r() - 0.5) * j * h);
        scores.push(k === 0 ? 0.3 + 0.7 * r() : 0.001 + 0.5 * r());
        classes.push(r() < 0.85 ? im.classes[g] : Math.floor(r() * nc));
      }
    }
    while (boxes.length / 4 < perImage) {
      const w = 4 + r() * im.width * 0.4,
        h = 4 + r() * im.height * 0.4;
      const x = r() * (im.width - w),
        y = r() * (im.height - h);
      boxes.push(x, y, x + w, y + h);
      scores.push(0.001 + 0.2 * r() ** 3);
      classes.push(Math.floor(r() * nc));
    }
    return {
      imageId: im.imageId,
      width: im.width,
      height: im.height,
      gt: { boxes: im.boxes, classes: im.classes },
      dt: { boxes: Float32Array.from(boxes), scores: Float32Array.from(scores), classes: Int32Array.from(classes) },
    };
  });
}

function synthetic(count: number, seed: number): Labelled[] {
  const r = lcg(seed);
  return Array.from({ length: count }, (_, i) => {
    const width = 640,
      height = 480;
    const n = Math.floor(r() * 15);
    const boxes = new Float64Array(4 * n);
    const classes = new Int32Array(n);
    for (let g = 0; g < n; g++) {
      const w = 8 + r() ** 2 * 400,
        h = 8 + r() ** 2 * 300;
      const x = r() * (width - w),
        y = r() * (height - h);
      boxes.set([x, y, x + w, y + h], 4 * g);
      classes[g] = Math.floor(r() * 80);
    }
    return { imageId: i + 1, width, height, boxes, classes };
  });
}

/** Wall time, and CPU time of this process (the fairer figure when the machine is shared). */
function run(protocol: Protocol, inputs: ImageInput[]): { seconds: number; cpu: number; map50_95: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const acc = createAccumulator({ protocol });
  for (const im of inputs) acc.add(im);
  const r = acc.finish();
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { seconds, cpu: (c.user + c.system) / 1e6, map50_95: r.map50_95 };
}

function measure(label: string, protocol: Protocol, inputs: ImageInput[], repeats: number): void {
  const rssBefore = process.memoryUsage().rss;
  const first = run(protocol, inputs);
  const runs = [first];
  for (let i = 1; i < repeats; i++) runs.push(run(protocol, inputs));
  const sorted = runs.map((r) => r.seconds).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const cpu = runs.map((r) => r.cpu).sort((a, b) => a - b);
  const heap = process.memoryUsage();
  console.log(
    `${label.padEnd(34)} ${protocol.padEnd(11)} first ${first.seconds.toFixed(3)} s  median ${median.toFixed(3)} s  ` +
      `min ${sorted[0].toFixed(3)} s  cpu median ${cpu[Math.floor(cpu.length / 2)].toFixed(3)} s  (${repeats} runs)  mAP50-95 ${first.map50_95.toFixed(4)}  ` +
      `rss +${((heap.rss - rssBefore) / 2 ** 20).toFixed(0)} MiB  peak rss ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
  );
}

function main(): void {
  const ds = readYoloDataset({ imagesDir: join(coco128, 'images', 'train2017'), labelsDir: join(coco128, 'labels', 'train2017') });
  const labelled: Labelled[] = ds.images.map((im) => ({ ...im, boxes: im.gt.boxes, classes: im.gt.classes }));
  const small = predict(labelled, 195, 80, 1);
  const boxes = small.reduce((s, im) => s + (im.dt?.classes.length ?? 0), 0);
  console.log(`COCO128: ${small.length} images, ${ds.counts.boxes} labels, ${boxes} predictions`);
  measure('COCO128 (~25k predictions)', 'ultralytics', small, 15);
  measure('COCO128 (~25k predictions)', 'coco', small, 15);

  const big = predict(synthetic(5000, 7), 100, 80, 2);
  const bigBoxes = big.reduce((s, im) => s + (im.dt?.classes.length ?? 0), 0);
  const bigLabels = big.reduce((s, im) => s + im.gt.classes.length, 0);
  console.log(`synthetic: ${big.length} images, ${bigLabels} labels, ${bigBoxes} predictions`);
  measure('synthetic 5,000 images', 'ultralytics', big, 3);
  measure('synthetic 5,000 images', 'coco', big, 3);
}

main();
