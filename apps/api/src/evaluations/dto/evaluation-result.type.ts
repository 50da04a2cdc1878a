import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType('CocoMetrics', { description: 'pycocotools-style numbers on the same ground truth.' })
export class CocoMetricsType {
  @Field(() => Float, { description: "AP averaged over IoU 0.50:0.95 (COCO's main number)." }) ap: number;
  @Field(() => Float, { description: 'AP at IoU 0.50.' }) ap50: number;
  @Field(() => Float, { description: 'AP at IoU 0.75.' }) ap75: number;
  @Field(() => Float, { description: 'Average recall with at most 100 detections per image.' }) ar100: number;
}

@ObjectType('SweepPoint', { description: 'Precision, recall and F1 at one confidence threshold.' })
export class SweepPointType {
  @Field(() => Float, { description: 'Confidence threshold.' }) conf: number;
  @Field(() => Float, { description: 'Precision at this threshold.' }) precision: number;
  @Field(() => Float, { description: 'Recall at this threshold.' }) recall: number;
  @Field(() => Float, { description: 'F1 at this threshold.' }) f1: number;
}

@ObjectType('ThresholdSweep', { description: 'P/R/F1 at conf 0.1…0.9 for one NMS IoU, from the same inference pass.' })
export class ThresholdSweepType {
  @Field(() => Float, { description: 'NMS IoU of this sweep.' }) iou: number;
  @Field(() => [SweepPointType], { description: 'One point per confidence threshold.' }) points: SweepPointType[];
}

@ObjectType('OperatingPoint', { description: 'The best sweep point: highest F1 over every threshold and IoU swept.' })
export class OperatingPointType extends SweepPointType {
  @Field(() => Float, { description: 'NMS IoU of this point.' }) iou: number;
}

@ObjectType('SkippedImage', { description: 'An image the evaluation could not use.' })
export class SkippedImageType {
  @Field({ description: 'Relative path of the image in the dataset.' }) file: string;
  @Field({ description: 'Why it was skipped (decode error, …).' }) reason: string;
}

@ObjectType('PerClassResult', { description: 'One class of an evaluation: its labels, predictions, AP and P/R/F1 (null where the worker sent no finite number).' })
export class PerClassResultType {
  @Field(() => Int, { description: 'Class id (index in the dataset’s class names).' }) classId: number;
  @Field({ description: 'Class name.' }) name: string;
  @Field(() => Int, { nullable: true, description: 'Ground-truth boxes of the class.' }) nLabels: number | null;
  @Field(() => Int, { nullable: true, description: 'Predictions of the class.' }) nPredictions: number | null;
  @Field(() => Float, { nullable: true, description: 'AP at IoU 0.50.' }) ap50: number | null;
  @Field(() => Float, { nullable: true, description: 'AP averaged over IoU 0.50:0.95.' }) ap50_95: number | null;
  @Field(() => Float, { nullable: true, description: 'Precision at the result’s bestConfidence.' }) precision: number | null;
  @Field(() => Float, { nullable: true, description: 'Recall at the result’s bestConfidence.' }) recall: number | null;
  @Field(() => Float, { nullable: true, description: 'F1 at the result’s bestConfidence.' }) f1: number | null;
}

@ObjectType('EvaluationResult', { description: "A finished job's result (the evaluation run holds the same numbers as metrics)." })
export class EvaluationResultType {
  @Field(() => Float, { description: 'mAP at IoU 0.50.' }) map50: number;
  @Field(() => Float, { description: 'mAP averaged over IoU 0.50:0.95.' }) map50_95: number;
  @Field(() => Float, { description: 'mAP at IoU 0.75.' }) map75: number;
  @Field(() => Float, { description: 'At the F1-optimal confidence.' }) precision: number;
  @Field(() => Float, { description: 'At the F1-optimal confidence.' }) recall: number;
  @Field(() => Float, { description: 'The best F1 over confidence.' }) f1: number;
  @Field(() => Float, { description: 'The confidence where F1 is highest.' }) bestConfidence: number;
  @Field(() => Float, { description: 'Ultralytics fitness: 0.1 × map50 + 0.9 × map50_95.' }) fitness: number;
  @Field(() => Float, { nullable: true, description: "At the job's own conf." }) precisionAtConf: number | null;
  @Field(() => Float, { nullable: true, description: "At the job's own conf." }) recallAtConf: number | null;
  @Field(() => [PerClassResultType], { description: 'Per-class numbers, by class id.' }) perClass: PerClassResultType[];
  @Field(() => CocoMetricsType, { description: 'The same detections scored the pycocotools way.' }) coco: CocoMetricsType;
  @Field(() => [ThresholdSweepType], { description: 'P/R/F1 at a grid of confidence thresholds, per NMS IoU.' }) thresholdSweep: ThresholdSweepType[];
  @Field(() => OperatingPointType, { nullable: true, description: 'The best sweep point (highest F1), null without a sweep.' }) bestOperatingPoint: OperatingPointType | null;
  @Field({ description: 'The provider really used: CUDA or CPU.' }) executionProvider: string;
  @Field({ description: 'The device the worker ran on (GPU or CPU name).' }) device: string;
  @Field(() => String, { nullable: true, description: 'Why AUTO fell back from CUDA to CPU, when it did.' }) fallbackReason: string | null;
  @Field(() => Float, { description: 'Throughput of the whole evaluation.' }) imagesPerSecond: number;
  @Field(() => Int, { description: 'Images scored.' }) imagesEvaluated: number;
  @Field(() => Int, { description: 'Images that could not be used (see skipped).' }) skippedImages: number;
  @Field(() => [SkippedImageType], { description: 'The skipped images, with their reasons.' }) skipped: SkippedImageType[];
  @Field(() => GraphQLJSONObject, {
    description:
      'The full result exactly as the worker reported it, kept as JSON on purpose: an archive of the report (curves of up to 1,000 points per class, confusion matrix, extras a newer worker adds) for tools to read; the numbers a person reads are the typed fields beside it.',
  })
  raw: Record<string, unknown>;
}
