/**
 * The host's share of an evaluation after inference: NMS at each swept IoU and both metric protocols, in the
 * pipeline's post-processing threads (PostShards). The model runs once over COCO128 on the CPU provider and its
 * candidates are kept; they are then replayed through fresh PostShards `--rounds` times, measuring wall time and the
 * process's CPU time (all threads). On a GPU machine whose CPU time bounds the pipeline, CPU ms per image is the
 * figure that matters. Per stage: the batches (`addCpuMsPerImage`: preparing each batch on the event loop, NMS and
 * the accumulators' add() in the threads, garbage collection) and the evaluation's end (`finishCpuMs`: the metrics'
 * finish() and their results back, once per evaluation, so it weighs most on small sets); on Linux, the event loop's
 * own share (`mainThreadCpuMsPerImage`, from /proc). The bare peer (`bareNmsCpuMsPerImage`): the same batches
 * prepared and NMS'd at the job's IoU alone on this thread, no metrics, no threads: the floor of any post-processing.
 * With the machine's load average. JSON line on stdout.
 *   node dist/bench/worker-post.js [--model m.onnx] [--imgsz 640] [--batch 8] [--rounds 5] [--repeat 10] [--predictions]
 * (`--repeat 2`: the 256 images of `worker-e2e --repeat 2`.)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WorkerThreads } from '../apps/gpu-worker/src/threads/worker-threads';
import { fuseGraph, FUSED_INPUT, FUSED_OUTPUTS } from '../apps/gpu-worker/src/models/fuse-graph';
import { decodeModel, inspectModel } from '../apps/gpu-worker/src/models/inspect-model';
import { readDataset } from '../apps/gpu-worker/src/pipeline/dataset-reader';
import { configureSharp, decodeLetterboxed } from '../apps/gpu-worker/src/pipeline/decode-image';
import { openSession } from '../apps/gpu-worker/src/pipeline/open-session';
import { detectionsAtIous, PostProcessor, planShards, prepareBatch, type BatchImage, type BatchOutputs, type PostConfig } from '../apps/gpu-worker/src/pipeline/post-processor';
import { PostShards } from '../apps/gpu-worker/src/pipeline/post-shards';
import { yoloFolders } from './worker-dataset';

const argv = process.argv.slice(2);
const option = (name: string, fallback: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);

async function main(): Promise<void> {
  const modelPath = option('--model', 'assets/models/yolov8n_fp32_dynamic.onnx');
  const imgsz = Number(option('--imgsz', '640'));
  const batch = Number(option('--batch', '8'));
  const rounds = Number(option('--rounds', '5'));
  // Each round replays the set this many times (image ids made distinct), past the shards' start and finish.
  const repeat = Number(option('--repeat', '10'));
  configureSharp();
  const model = decodeModel(readFileSync(modelPath), modelPath);
  const spec = inspectModel(model, { imgsz, family: 'auto' });
  const dataset = readDataset({ format: 'YOLO', ...yoloFolders(resolve('assets/datasets/coco128')) });

  // One inference pass, candidates kept (copies: PostShards.add hands the buffers to its last shard).
  const threads = WorkerThreads.shared();
  const session = await openSession(threads.inference, 'CPU', { modelBytes: fuseGraph(model, spec, { candidatesAbove: 0.001 }), deviceId: 0, inputName: FUSED_INPUT });
  const recorded: { images: BatchImage[]; outputs: BatchOutputs }[] = [];
  const imageBytes = imgsz * imgsz * 3;
  for (let start = 0; start < dataset.items.length; start += batch) {
    const items = dataset.items.slice(start, start + batch);
    const decoded = await Promise.all(items.map((item) => decodeLetterboxed(item.file, imgsz, spec.preprocess.pad)));
    const pixels = new Uint8Array(items.length * imageBytes);
    decoded.forEach((d, i) => pixels.set(d.pixels, i * imageBytes));
    const { outputs } = await session.client.run(pixels, items.length, imgsz);
    recorded.push({
      images: items.map((item, i) => ({
        imageId: item.imageId,
        width: decoded[i].width,
        height: decoded[i].height,
        letterbox: decoded[i].letterbox,
        gt: item.groundTruth(decoded[i].width, decoded[i].height),
      })),
      outputs: { indices: outputs[FUSED_OUTPUTS.indices].data as Int32Array, scores: outputs[FUSED_OUTPUTS.scores].data as Float32Array, boxes: outputs[FUSED_OUTPUTS.boxes].data as Float32Array },
    });
  }
  await session.client.close();
  const candidates = recorded.reduce((n, r) => n + r.outputs.scores.length, 0);

  if (argv.includes('--inline')) return inline(recorded, repeat);
  const config = { family: spec.family, layout: spec.layout, imgsz, conf: 0.001, iou: 0.7, maxDet: 300, classNames: dataset.classNames ?? spec.classNames };
  const tmp = mkdtempSync(join(tmpdir(), 'podium-post-'));
  const samples: { wall: number; cpu: number; add: number; finish: number; main: number | null; map50: number }[] = [];
  let first: { wall: number; cpu: number } | undefined;
  const load = loadavg();
  for (let round = 0; round < rounds + 1; round++) {
    const cpuBefore = process.cpuUsage();
    const mainBefore = mainThreadCpuMs();
    const started = performance.now();
    // --predictions: the coco shard also writes the gzipped detections file, as a job does.
    const predictions = argv.includes('--predictions') ? { path: join(tmp, `round-${round}.json.gz`), ids: dataset.predictionIds } : undefined;
    const post = await PostShards.start(threads.post, { ...config, predictions });
    for (let copy = 0; copy < repeat; copy++) {
      for (const r of recorded) {
        const images = r.images.map((image) => ({ ...image, imageId: `${image.imageId}#${copy}` }));
        post.add(images, { indices: r.outputs.indices.slice(), scores: r.outputs.scores.slice(), boxes: r.outputs.boxes.slice() });
        await post.drainTo(4);
      }
    }
    await post.drainTo(0);
    const added = process.cpuUsage(cpuBefore);
    const result = await post.finish();
    await post.close();
    const cpu = process.cpuUsage(cpuBefore);
    const mainAfter = mainThreadCpuMs();
    const ms = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
    // Round 0 starts the threads and warms their JIT up (a worker's first evaluation); later rounds reuse them, as
    // the evaluations after it do (post-thread-client.ts).
    if (round === 0) first = { wall: (performance.now() - started) / 1000, cpu: ms(cpu) };
    else
      samples.push({
        wall: (performance.now() - started) / 1000,
        cpu: ms(cpu),
        add: ms(added),
        finish: ms(cpu) - ms(added),
        main: mainBefore === null || mainAfter === null ? null : mainAfter - mainBefore,
        map50: result.ultralytics.map50,
      });
  }
  const n = dataset.items.length * repeat;
  const best = samples.reduce((a, b) => (b.cpu < a.cpu ? b : a));
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const bare = bareNms(recorded, repeat, config, rounds);
  console.log(
    JSON.stringify({
      bench: 'worker-post',
      model: modelPath.split('/').pop(),
      imgsz,
      images: n,
      candidatesPerImage: Math.round(candidates / dataset.items.length),
      rounds,
      firstCpuMsPerImage: Math.round((first!.cpu / n) * 100) / 100,
      firstWallImagesPerSecond: Math.round(n / first!.wall),
      cpuMsPerImage: Math.round((best.cpu / n) * 100) / 100,
      medianCpuMsPerImage: Math.round((median(samples.map((x) => x.cpu)) / n) * 100) / 100,
      addCpuMsPerImage: Math.round((best.add / n) * 100) / 100,
      finishCpuMs: Math.round(best.finish),
      ...(best.main === null ? {} : { mainThreadCpuMsPerImage: Math.round((best.main / n) * 100) / 100 }),
      bareNmsCpuMsPerImage: Math.round((bare / n) * 100) / 100,
      wallImagesPerSecond: Math.round(n / best.wall),
      map50: Math.round(best.map50 * 10000) / 10000,
      predictions: argv.includes('--predictions'),
      loadAverage: [...load, ...loadavg()].map((l) => Math.round(l * 10) / 10),
    }),
  );
  rmSync(tmp, { recursive: true, force: true });
  await threads.close();
}

/** Least CPU ms of `rounds` passes: each batch prepared and NMS'd at the job's IoU on this thread, nothing else. */
function bareNms(recorded: { images: BatchImage[]; outputs: BatchOutputs }[], repeat: number, config: Pick<PostConfig, 'family' | 'layout' | 'imgsz' | 'iou' | 'maxDet'>, rounds: number): number {
  let best = Infinity;
  for (let round = 0; round < rounds + 1; round++) {
    const before = process.cpuUsage();
    for (let copy = 0; copy < repeat; copy++) for (const r of recorded) detectionsAtIous(prepareBatch(r.outputs, r.images.length, config), r.images, config, [config.iou]);
    const cpu = process.cpuUsage(before);
    if (round > 0) best = Math.min(best, (cpu.user + cpu.system) / 1000);
  }
  return best;
}

/** This thread's CPU ms (Linux /proc; 10 ms ticks), or null elsewhere. */
function mainThreadCpuMs(): number | null {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** Experiment: one PostProcessor with every IoU and coco on this thread (for --cpu-prof). */
async function inline(recorded: { images: BatchImage[]; outputs: BatchOutputs }[], repeat: number): Promise<void> {
  const shard = { ultralyticsIous: planShards(0.7).flatMap((s) => s.ultralyticsIous), coco: true };
  const spec = { family: 'yolov8' as const, layout: 'channels-first' as const, imgsz: 640, conf: 0.001, iou: 0.7, maxDet: 300, shard };
  for (let round = 0; round < 2; round++) {
    const post = new PostProcessor(spec);
    const started = process.cpuUsage();
    for (let copy = 0; copy < repeat; copy++)
      for (const r of recorded)
        post.addBatch(
          r.images.map((i) => ({ ...i, imageId: `${i.imageId}#${copy}` })),
          r.outputs,
        );
    const add = process.cpuUsage(started);
    post.finish();
    const all = process.cpuUsage(started);
    const n = recorded.reduce((k, r) => k + r.images.length, 0) * repeat;
    console.log(JSON.stringify({ inline: true, addMsPerImage: (add.user + add.system) / 1000 / n, finishMs: (all.user + all.system - add.user - add.system) / 1000 }));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
