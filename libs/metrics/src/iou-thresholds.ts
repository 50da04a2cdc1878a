// The ten IoU thresholds 0.50:0.05:0.95 as each peer holds them. Ultralytics: torch.linspace in float32, compared
// with float32 IoUs; COCO: numpy.linspace in float64.
import { linspace } from './linspace';

export const IOU_THRESHOLD_COUNT = 10;

/** torch.linspace(0.5, 0.95, 10) in float32: the float32 nearest to 0.50, 0.55, …, 0.95. */
export const ULTRALYTICS_IOU_THRESHOLDS: Float64Array = (() => {
  const f = Math.fround;
  const start = f(0.5);
  const end = f(0.95);
  const step = f((end - start) / 9);
  const out = new Float64Array(IOU_THRESHOLD_COUNT);
  for (let i = 0; i < IOU_THRESHOLD_COUNT; i++) out[i] = i < 5 ? f(start + f(step * i)) : f(end - f(step * (9 - i)));
  return out;
})();

/** np.linspace(.5, 0.95, 10): note 0.8999999999999999 at index 8, as pycocotools has it. */
export const COCO_IOU_THRESHOLDS: Float64Array = linspace(0.5, 0.95, IOU_THRESHOLD_COUNT);

/** np.linspace(.0, 1.00, 101): COCO's recall thresholds, also Ultralytics' AP integration grid. */
export const RECALL_THRESHOLDS: Float64Array = linspace(0, 1, 101);
