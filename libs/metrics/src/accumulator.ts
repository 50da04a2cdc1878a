// createAccumulator: images are added one at a time (or in batches) so an evaluation runs in bounded memory; each
// image is matched on add() and only a compact record per detection is kept. finish() computes everything; results
// depend only on the data, never on the order images were added.
import { CocoAccumulator } from './coco-accumulator';
import { MetricsError } from './metrics-error';
import { OperatingPointTable } from './operating-point';
import type { AccumulatorOptions, DetectionResult, ImageId, ImageInput, MetricsAccumulator, MetricsSummary, OperatingPoint } from './types';
import { UltralyticsAccumulator } from './ultralytics-accumulator';

export function createAccumulator(options: AccumulatorOptions): MetricsAccumulator {
  if (options.protocol !== 'ultralytics' && options.protocol !== 'coco') throw new MetricsError('INVALID_INPUT', `protocol must be 'ultralytics' or 'coco', got ${String(options.protocol)}`);
  const impl = options.protocol === 'coco' ? new CocoAccumulator(options) : new UltralyticsAccumulator(options);
  const seen = new Set<ImageId>();
  let result: DetectionResult | null = null;
  let table: OperatingPointTable | null = null; // rebuilt after an add()

  let summary: MetricsSummary | null = null;

  const add = (image: ImageInput): void => {
    if (result || summary) throw new MetricsError('ALREADY_FINISHED', 'add() after finish(): create a new accumulator');
    if (seen.has(image.imageId)) throw new MetricsError('INVALID_INPUT', `image ${String(image.imageId)} was already added`, { imageId: image.imageId });
    impl.add(image);
    seen.add(image.imageId);
    table = null;
  };

  const finish = (): DetectionResult => (result ??= impl.finish());

  return {
    add,
    addBatch(images) {
      for (const image of images) add(image);
    },
    finish,
    summary() {
      if (!summary) {
        const r = result ?? (impl instanceof CocoAccumulator ? impl.summary() : finish());
        summary = { protocol: r.protocol, map50: r.map50, map50_95: r.map50_95, map75: r.map75, ...(r.stats ? { stats: r.stats } : {}) };
      }
      return summary;
    },
    operatingPointAt(confidence: number): OperatingPoint {
      if (!Number.isFinite(confidence)) throw new MetricsError('INVALID_INPUT', `confidence must be a finite number, got ${confidence}`);
      table ??= new OperatingPointTable(impl.classPredictions());
      return table.at(confidence);
    },
  };
}
