// Public API of @podium/metrics: detection metrics equal to Ultralytics 8.4.50 (`ultralytics`) and pycocotools
// COCOeval bbox (`coco`), an accumulator for bounded-memory evaluation, and the dataset readers.
export { createAccumulator } from './accumulator';
export { MetricsError, type MetricsErrorCode, type MetricsErrorDetails } from './metrics-error';
export type {
  AccumulatorOptions,
  BoxFormat,
  CocoStats,
  ConfusionMatrixResult,
  Counts,
  CurveResult,
  DetectionResult,
  DetectionsInput,
  GroundTruthInput,
  ImageId,
  ImageInput,
  MetricsAccumulator,
  MetricsSummary,
  OperatingPoint,
  PerCategoryResult,
  PerClassResult,
  Protocol,
} from './types';
export { iouCoco, iouFloat32 } from './box-iou';
export { ULTRALYTICS_IOU_THRESHOLDS, COCO_IOU_THRESHOLDS, RECALL_THRESHOLDS } from './iou-thresholds';
export { CURVE_CONFIDENCES } from './ap-per-class';
export { readYoloDataset, type DatasetImage, type ReadYoloDatasetOptions, type YoloDataset, type YoloDatasetCounts } from './io/yolo-dataset';
export { readCocoDataset, parseCocoDataset, type CocoCategory, type CocoDataset, type ReadCocoDatasetOptions } from './io/coco-dataset';
export { readPredictions, parsePredictions } from './io/predictions';
export { readImageSize, type ImageSize } from './io/image-size';
export { parseYoloLabels, yoloRowToXyxy, type YoloLabelRows } from './io/yolo-labels';
