// createAccumulator: images are added one at a time (or in batches) so an evaluation runs in bounded memory; each
// image is matched on add() and only a compact record per detection is kept. finish() computes everything; results
// depend only on the data, never on the order images were added.
import { CocoAccumulator } from './coco-accumulator';
import { MetricsError } from './metrics-error';
import { OperatingPointTable } from './operating-point';
import type { AccumulatorOptions, DetectionResult, ImageId, ImageInput, MetricsAccumulator, OperatingPoint } from './types';
import { UltralyticsAccumulator } from './ultralytics-accumulator';

export function createAccumulator(options: AccumulatorOptions): MetricsAccumulator {
  if (options.protocol !== 'ultralytics' && options.protocol !== 'coco')
    throw new MetricsError('INVALID_INPUT', `protocol must be 'ultralytics' or 'coco', got ${String(options.protocol)}`);
  const impl = options.protocol === 'coco' ? new CocoAccumulator(options) : new UltralyticsAccumulator(options);
  const seen = new Set<ImageId>();
  let result: DetectionResult | null = null;
  let table: OperatingPointTable | null = null; // rebuilt after an add()

  const add = (image: ImageInput): void => {
    if (result) throw new MetricsError('ALREADY_FINISHED', 'add() after finish(): create a new accumulator');
    if (seen.has(image.imageId))
      throw new MetricsError('INVALID_INPUT', `image ${String(image.imageId)} was already added`, { imageId: image.imageId });
    impl.add(image);
    seen.add(image.imageId);
    table = null;
  };

  return {
    add,
    addBatch(images) {
      for (const image of images) add(image);
    },
    finish() {
      result ??= impl.finish();
      return result;
    },
    operatingPointAt(confidence: number): OperatingPoint {
      if (!Number.isFinite(confidence)) throw new MetricsError('INVALID_INPUT', `confidence must be a finite number, got ${confidence}`);
      table ??= new OperatingPointTable(impl.classPredictions());
      return table.at(confidence);
    },
  };
}
