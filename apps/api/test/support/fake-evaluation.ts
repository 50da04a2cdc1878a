// What a worker reports for a finished evaluation, for suites that drive the job protocol with a fake worker.

/** A pipeline EvaluationResult with chosen headline numbers. */
export function fakeResult(map50: number, extra: Record<string, unknown> = {}) {
  const points = [0.1, 0.5, 0.9].map((conf) => ({ conf, precision: 0.8, recall: 0.5, f1: 0.615 }));
  return {
    map50,
    map50_95: map50 * 0.7,
    map75: map50 * 0.75,
    precision: 0.81,
    recall: 0.52,
    f1: 0.633,
    bestConfidence: 0.31,
    fitness: map50 * 0.1 + map50 * 0.7 * 0.9,
    precisionAtConf: 0.008,
    recallAtConf: 0.71,
    perClass: [{ classId: 0, name: 'person', ap50: 0.8 }],
    coco: { ap: map50 * 0.68, ap50: map50 * 0.98, ap75: map50 * 0.7, ar100: 0.6, stats: {} },
    thresholdSweep: [0.5, 0.6, 0.7].map((iou) => ({ iou, points })),
    bestOperatingPoint: { conf: 0.3, precision: 0.8, recall: 0.5, f1: 0.615, iou: 0.7 },
    prCurve: { recall: [0, 1], precision: [1, 0] },
    f1Curve: { conf: [0, 1], f1: [0.5, 0] },
    executionProvider: 'CPU',
    device: 'test cpu',
    imagesPerSecond: 123.4,
    imagesEvaluated: 128,
    skippedImages: 0,
    skipped: [],
    ...extra,
  };
}
