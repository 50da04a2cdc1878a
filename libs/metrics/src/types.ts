// Public shapes of the metrics library. Boxes are pixels of the original image; `format` says how 4 numbers are read:
// 'xyxy' = x1, y1, x2, y2 (the default), 'xywh' = COCO's x, y (top-left), width, height.
import type { CocoStats } from './coco-accumulate';

export type { CocoStats } from './coco-accumulate';
export type Protocol = 'ultralytics' | 'coco';
export type BoxFormat = 'xyxy' | 'xywh';
export type ImageId = string | number;

export interface GroundTruthInput {
  /** 4 numbers per box, pixels, `format` (default xyxy). */
  readonly boxes: Float64Array | Float32Array | readonly number[];
  readonly classes: Int32Array | readonly number[];
  /** COCO crowd regions (1 = crowd). Under `ultralytics` they are dropped, as its COCO→YOLO conversion does. */
  readonly iscrowd?: Uint8Array | readonly number[];
  /** COCO annotation areas (segment area) for the area ranges; default width * height. */
  readonly areas?: Float64Array | readonly number[];
  readonly format?: BoxFormat;
}

export interface DetectionsInput {
  readonly boxes: Float32Array | Float64Array | readonly number[];
  readonly scores: Float32Array | Float64Array | readonly number[];
  readonly classes: Int32Array | readonly number[];
  readonly format?: BoxFormat;
}

export interface ImageInput {
  readonly imageId: ImageId;
  /** Original image size in pixels (kept for the record; COCO area ranges use box areas). */
  readonly width?: number;
  readonly height?: number;
  readonly gt: GroundTruthInput;
  readonly dt?: DetectionsInput;
}

export interface AccumulatorOptions {
  readonly protocol: Protocol;
  /** Names indexed by class id (ultralytics) or keyed by category id (coco, as a record). */
  readonly classNames?: readonly string[] | Readonly<Record<number, string>>;
  /** Keep only these class ids (labels and predictions); others are dropped on add(). */
  readonly classes?: readonly number[];
  /** Confusion-matrix operating point, Ultralytics' defaults: predictions with score > 0.25, IoU > 0.45. */
  readonly confusionConf?: number;
  readonly confusionIou?: number;
}

export interface PerClassResult {
  readonly classId: number;
  readonly name: string;
  readonly nLabels: number;
  readonly nPredictions: number;
  readonly ap50: number;
  readonly ap50_95: number;
  /** At the result's bestConfidence. */
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface OperatingPoint {
  readonly confidence: number;
  /** Mean over classes of each class's P / R / F1 at this confidence (Ultralytics' curve interpolation, IoU 0.5). */
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Micro counts over all classes at IoU 0.5 for predictions with score >= confidence. */
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
}

export interface CurveResult {
  /** x axis: np.linspace(0, 1, 1000), confidence for the P/R/F1 curves, recall for the PR curve. */
  readonly x: number[];
  /** Mean over classes. */
  readonly mean: number[];
  /** Per class, in perClass order. */
  readonly perClass: number[][];
}

export interface ConfusionMatrixResult {
  /** Row/column labels: the class ids, then 'background' as the last row and column. */
  readonly classIds: number[];
  /** matrix[predicted][true], (nc + 1) x (nc + 1); last row = missed labels, last column = false detections. */
  readonly matrix: number[][];
  readonly conf: number;
  readonly iou: number;
}

export interface Counts {
  readonly images: number;
  /** Images with no label after class filtering. */
  readonly backgrounds: number;
  readonly labels: number;
  readonly crowdLabels: number;
  readonly predictions: number;
  readonly classes: number;
}

export interface PerCategoryResult {
  readonly categoryId: number;
  readonly name: string;
  /** -1 when the category has no ground truth (as pycocotools). */
  readonly ap: number;
  readonly ap50: number;
  readonly ap75: number;
}

export interface DetectionResult {
  readonly protocol: Protocol;
  readonly map50: number;
  readonly map50_95: number;
  readonly map75: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly bestConfidence: number;
  readonly fitness: number;
  readonly perClass: PerClassResult[];
  /** Precision (envelope, IoU 0.5) against recall. */
  readonly prCurve: CurveResult;
  readonly f1Curve: CurveResult;
  readonly pCurve: CurveResult;
  readonly rCurve: CurveResult;
  readonly confusionMatrix: ConfusionMatrixResult;
  readonly counts: Counts;
  /** coco only: COCOeval.stats by name. */
  readonly stats?: CocoStats;
  /** coco only: per-category AP (all areas, maxDets 100). */
  readonly perCategory?: PerCategoryResult[];
}

/** The headline numbers of a result; for `coco`, COCOeval's stats too. */
export type MetricsSummary = Pick<DetectionResult, 'protocol' | 'map50' | 'map50_95' | 'map75' | 'stats'>;

export interface MetricsAccumulator {
  add(image: ImageInput): void;
  addBatch(images: readonly ImageInput[]): void;
  finish(): DetectionResult;
  /**
   * The same numbers as finish() gives, like it closing the accumulator to add(). For `coco`, computed without the
   * rest of finish() (per-category AP, the Ultralytics-style curves and P/R/F1, the confusion matrix): about half
   * its work. finish() may still be called afterwards.
   */
  summary(): MetricsSummary;
  operatingPointAt(confidence: number): OperatingPoint;
}
