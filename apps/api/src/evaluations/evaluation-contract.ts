// The evaluation contract in one place: settings validation, the evaluation run's params and metric keys, the
// continuous-evaluation mirror keys, and the checks on a worker's EvaluationResult. Pure functions.
import { type EvaluationResultData, RUN_PARAM } from '@podium/contracts';
import { badInput } from '../common/app-error';
import type { KeyValue } from '../experiments/experiment.entity';
import { type EvaluationSettings, ExecutionProvider } from './evaluation-job-status';

export interface SettingsRequest {
  imgsz?: number | null;
  conf?: number | null;
  iou?: number | null;
  maxDet?: number | null;
  classes?: number[] | null;
  batch?: number | null;
  executionProvider?: ExecutionProvider | null;
}

/** An input size the pipeline's letterbox accepts: a multiple of 32 in [32, 4096]. */
export const isValidImgsz = (imgsz: number): boolean => Number.isInteger(imgsz) && imgsz >= 32 && imgsz <= 4096 && imgsz % 32 === 0;

/** Normalises and checks the settings against the dataset's class count; every problem is listed in one error. */
export function validateSettings(req: SettingsRequest, numClasses: number): EvaluationSettings {
  const s: EvaluationSettings = {
    imgsz: req.imgsz ?? 640,
    conf: req.conf ?? 0.001,
    iou: req.iou ?? 0.7,
    maxDet: req.maxDet ?? 300,
    classes: req.classes?.length ? [...new Set(req.classes)].sort((a, b) => a - b) : null,
    batch: req.batch ?? null,
    executionProvider: req.executionProvider ?? ExecutionProvider.AUTO,
  };
  const problems: string[] = [];
  if (!isValidImgsz(s.imgsz)) problems.push(`imgsz must be a multiple of 32 in [32, 4096], got ${s.imgsz}`);
  if (!(s.conf >= 0 && s.conf < 1)) problems.push(`conf must be in [0, 1), got ${s.conf}`);
  if (!(s.iou > 0 && s.iou <= 1)) problems.push(`iou must be in (0, 1], got ${s.iou}`);
  if (!Number.isInteger(s.maxDet) || s.maxDet < 1 || s.maxDet > 3000) problems.push(`maxDet must be an integer in [1, 3000], got ${s.maxDet}`);
  if (s.batch !== null && (!Number.isInteger(s.batch) || s.batch < 1 || s.batch > 256)) problems.push(`batch must be an integer in [1, 256], got ${s.batch}`);
  const outside = (s.classes ?? []).filter((c) => !Number.isInteger(c) || c < 0 || c >= numClasses);
  if (outside.length) problems.push(`classes ${outside.join(', ')} are not class ids of the dataset (0..${numClasses - 1})`);
  if (problems.length) throw badInput(`invalid evaluation settings: ${problems.join('; ')}`, { problems });
  return s;
}

export interface RunParamsSource {
  jobId: string;
  datasetName: string;
  datasetDigest: string;
  datasetVersion: number;
  settings: EvaluationSettings;
  sourceRunId: string | null;
  artifactPath: string;
  modelName: string | null;
  modelVersion: number | null;
  epoch: number | null;
}

/** Params written when the job is created; `execution_provider` and `device` follow with the result. */
export function evaluationRunParams(p: RunParamsSource): KeyValue[] {
  const out: KeyValue[] = [
    { key: RUN_PARAM.jobId, value: p.jobId },
    { key: RUN_PARAM.dataset, value: p.datasetName },
    { key: RUN_PARAM.datasetDigest, value: p.datasetDigest },
    { key: RUN_PARAM.datasetVersion, value: String(p.datasetVersion) },
    { key: RUN_PARAM.imgsz, value: String(p.settings.imgsz) },
    { key: RUN_PARAM.conf, value: String(p.settings.conf) },
    { key: RUN_PARAM.iou, value: String(p.settings.iou) },
    { key: RUN_PARAM.maxDet, value: String(p.settings.maxDet) },
    { key: RUN_PARAM.batch, value: p.settings.batch === null ? 'auto' : String(p.settings.batch) },
    { key: RUN_PARAM.artifactPath, value: p.artifactPath },
  ];
  // Absent (not empty) when the evaluation is full/unfiltered: the registry's gates tell the two apart by presence.
  if (p.settings.classes) out.push({ key: RUN_PARAM.classes, value: p.settings.classes.join(',') });
  if (p.sourceRunId) out.push({ key: RUN_PARAM.sourceRunId, value: p.sourceRunId });
  if (p.modelName !== null) out.push({ key: RUN_PARAM.modelName, value: p.modelName }, { key: RUN_PARAM.modelVersion, value: String(p.modelVersion) });
  if (p.epoch !== null) out.push({ key: RUN_PARAM.epoch, value: String(p.epoch) });
  return out;
}

/** What a worker reports (the contract's type, @podium/contracts); checked by validateResult before anything is written. */
export type { EvaluationResultData };

const UNIT_KEYS = ['map50', 'map50_95', 'map75', 'precision', 'recall', 'f1', 'bestConfidence', 'fitness'] as const;

export function validateResult(raw: Record<string, unknown>): EvaluationResultData {
  const problems: string[] = [];
  const unit = (v: unknown, name: string, optional = false) => {
    if (optional && v === undefined) return;
    // -1 is pycocotools' "no ground truth" marker; anything else must be a probability-like number.
    if (typeof v !== 'number' || !Number.isFinite(v) || v < -1 || v > 1) problems.push(`${name} must be a number in [0, 1], got ${JSON.stringify(v)}`);
  };
  for (const k of UNIT_KEYS) unit(raw[k], k);
  unit(raw.precisionAtConf, 'precisionAtConf', true);
  unit(raw.recallAtConf, 'recallAtConf', true);
  const coco = raw.coco as Record<string, unknown> | undefined;
  if (!coco || typeof coco !== 'object') problems.push('coco must be an object {ap, ap50, ap75, ar100}');
  else for (const k of ['ap', 'ap50', 'ap75', 'ar100']) unit(coco[k], `coco.${k}`);
  if (!Array.isArray(raw.perClass)) problems.push('perClass must be an array');
  if (!Array.isArray(raw.thresholdSweep)) problems.push('thresholdSweep must be an array of {iou, points}');
  if (raw.executionProvider !== 'CUDA' && raw.executionProvider !== 'CPU') problems.push(`executionProvider must be CUDA or CPU, got ${JSON.stringify(raw.executionProvider)}`);
  if (typeof raw.device !== 'string' || !raw.device) problems.push('device must be a non-empty string');
  for (const k of ['imagesPerSecond', 'imagesEvaluated', 'skippedImages']) {
    const v = raw[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) problems.push(`${k} must be a non-negative number, got ${JSON.stringify(v)}`);
  }
  if (problems.length) throw badInput(`invalid evaluation result: ${problems.join('; ')}`, { problems });
  return raw as EvaluationResultData;
}

export const resultParams = (r: EvaluationResultData): KeyValue[] => [
  { key: RUN_PARAM.executionProvider, value: r.executionProvider },
  { key: RUN_PARAM.device, value: r.device.slice(0, 500) },
];

export interface MetricValue {
  key: string;
  value: number;
}

/** The evaluation run's canonical metrics (Ultralytics protocol; P/R/F1 at the F1-optimal confidence). */
export function evaluationMetrics(r: EvaluationResultData): MetricValue[] {
  const out: MetricValue[] = [
    { key: 'map50', value: r.map50 },
    { key: 'map50_95', value: r.map50_95 },
    { key: 'map75', value: r.map75 },
    { key: 'precision', value: r.precision },
    { key: 'recall', value: r.recall },
    { key: 'f1', value: r.f1 },
    { key: 'best_confidence', value: r.bestConfidence },
    { key: 'fitness', value: r.fitness },
  ];
  if (r.precisionAtConf !== undefined) out.push({ key: 'precision_at_conf', value: r.precisionAtConf });
  if (r.recallAtConf !== undefined) out.push({ key: 'recall_at_conf', value: r.recallAtConf });
  out.push(
    { key: 'coco_ap', value: r.coco.ap },
    { key: 'coco_ap50', value: r.coco.ap50 },
    { key: 'coco_ap75', value: r.coco.ap75 },
    { key: 'coco_ar100', value: r.coco.ar100 },
    { key: 'images_per_second', value: r.imagesPerSecond },
    { key: 'skipped_images', value: r.skippedImages },
  );
  return out;
}

/** Keys a training run receives as `<dataset>/<key>` (accuracy only: throughput is the worker's, not the model's). */
const MIRRORED = new Set(['map50', 'map50_95', 'map75', 'precision', 'recall', 'f1', 'fitness', 'coco_ap', 'coco_ap50', 'coco_ap75', 'coco_ar100']);

export function mirroredMetrics(datasetName: string, metrics: MetricValue[]): MetricValue[] {
  return metrics.filter((m) => MIRRORED.has(m.key)).map((m) => ({ key: `${datasetName}/${m.key}`, value: m.value }));
}

/** The evaluation run's name: what was evaluated, on what. */
export function evaluationRunName(p: { modelName: string | null; modelVersion: number | null; artifactPath: string; datasetName: string; epoch: number | null }): string {
  const what = p.modelName
    ? `${p.modelName}-v${p.modelVersion}`
    : p.artifactPath
        .split('/')
        .pop()!
        .replace(/\.onnx$/i, '');
  return `eval-${what}-${p.datasetName}${p.epoch !== null ? `-e${p.epoch}` : ''}`.slice(0, 256);
}
