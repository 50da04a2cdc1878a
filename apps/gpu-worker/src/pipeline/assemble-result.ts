/** The evaluation's result from its post-processing shards' metrics and how the run went. */
import { cpuModel, gpuInfo } from './device-info';
import { toSweepPoint, type EvaluationOptions, type EvaluationResult, type EvaluationTimings } from './evaluation-types';
import type { PostResult } from './post-shards';

export interface RunFacts {
  opts: EvaluationOptions;
  provider: 'CUDA' | 'CPU';
  fallbackReason?: string;
  evaluated: number;
  skipped: { file: string; reason: string }[];
  timings: EvaluationTimings;
  run: EvaluationResult['run'];
}

export function assembleResult(post: PostResult, ctx: RunFacts): EvaluationResult {
  const u = post.ultralytics;
  const stats = (post.coco.stats ?? {}) as Record<string, number>;
  const thresholdSweep = post.thresholdSweep.map((s) => ({ iou: s.iou, points: s.points.map(toSweepPoint) }));
  const bestOperatingPoint = thresholdSweep.flatMap((s) => s.points.map((p) => ({ iou: s.iou, ...p }))).reduce((best, p) => (p.f1 > best.f1 ? p : best));
  const deviceId = ctx.opts.deviceId ?? 0;
  return {
    map50: u.map50,
    map50_95: u.map50_95,
    map75: u.map75,
    precision: u.precision,
    recall: u.recall,
    f1: u.f1,
    bestConfidence: u.bestConfidence,
    fitness: u.fitness,
    perClass: u.perClass,
    coco: { ap: stats.ap ?? post.coco.map50_95, ap50: stats.ap50 ?? post.coco.map50, ap75: stats.ap75 ?? post.coco.map75, ar100: stats.ar100, stats },
    thresholdSweep,
    bestOperatingPoint,
    operatingPointAtConf: toSweepPoint(post.atConf),
    prCurve: u.prCurve,
    f1Curve: u.f1Curve,
    executionProvider: ctx.provider,
    device: ctx.provider === 'CUDA' ? (gpuInfo(deviceId)?.name ?? `CUDA device ${deviceId}`) : cpuModel(),
    ...(ctx.fallbackReason ? { fallbackReason: ctx.fallbackReason } : {}),
    imagesPerSecond: ctx.evaluated / ctx.timings.wallSeconds,
    imagesEvaluated: ctx.evaluated,
    skippedImages: ctx.skipped.length,
    skipped: ctx.skipped,
    timings: ctx.timings,
    run: ctx.run,
    ...(post.predictionsPath ? { predictionsPath: post.predictionsPath } : {}),
  };
}
