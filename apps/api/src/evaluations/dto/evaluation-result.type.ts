import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType('CocoMetrics', { description: 'pycocotools-style numbers on the same ground truth.' })
export class CocoMetricsType {
  @Field(() => Float) ap: number;
  @Field(() => Float) ap50: number;
  @Field(() => Float) ap75: number;
  @Field(() => Float) ar100: number;
}

@ObjectType('SweepPoint')
export class SweepPointType {
  @Field(() => Float) conf: number;
  @Field(() => Float) precision: number;
  @Field(() => Float) recall: number;
  @Field(() => Float) f1: number;
}

@ObjectType('ThresholdSweep', { description: 'P/R/F1 at conf 0.1…0.9 for one NMS IoU, from the same inference pass.' })
export class ThresholdSweepType {
  @Field(() => Float) iou: number;
  @Field(() => [SweepPointType]) points: SweepPointType[];
}

@ObjectType('OperatingPoint')
export class OperatingPointType extends SweepPointType {
  @Field(() => Float) iou: number;
}

@ObjectType('SkippedImage')
export class SkippedImageType {
  @Field() file: string;
  @Field() reason: string;
}

@ObjectType('EvaluationResult', { description: "A finished job's result (the evaluation run holds the same numbers as metrics)." })
export class EvaluationResultType {
  @Field(() => Float) map50: number;
  @Field(() => Float) map50_95: number;
  @Field(() => Float) map75: number;
  @Field(() => Float, { description: 'At the F1-optimal confidence.' }) precision: number;
  @Field(() => Float) recall: number;
  @Field(() => Float) f1: number;
  @Field(() => Float) bestConfidence: number;
  @Field(() => Float) fitness: number;
  @Field(() => Float, { nullable: true, description: "At the job's own conf." }) precisionAtConf: number | null;
  @Field(() => Float, { nullable: true }) recallAtConf: number | null;
  @Field(() => [GraphQLJSONObject]) perClass: Record<string, unknown>[];
  @Field(() => CocoMetricsType) coco: CocoMetricsType;
  @Field(() => [ThresholdSweepType]) thresholdSweep: ThresholdSweepType[];
  @Field(() => OperatingPointType, { nullable: true }) bestOperatingPoint: OperatingPointType | null;
  @Field({ description: 'The provider really used: CUDA or CPU.' }) executionProvider: string;
  @Field() device: string;
  @Field(() => String, { nullable: true }) fallbackReason: string | null;
  @Field(() => Float) imagesPerSecond: number;
  @Field(() => Int) imagesEvaluated: number;
  @Field(() => Int) skippedImages: number;
  @Field(() => [SkippedImageType]) skipped: SkippedImageType[];
  @Field(() => GraphQLJSONObject, { description: 'The full result as the worker reported it (curves included).' }) raw: Record<string, unknown>;
}
