// The training figures `npm run demo` logs (scripts/demo.mjs, docs/demo.md).
//
// ILLUSTRATIVE, NOT MEASURED. No YOLOv8n was trained to produce these numbers: they are written by hand to follow the
// seed decision's table (YOLOv8n, 3 epochs, the person class of COCO128, 40 training images): the best run
// yolov8n_e3_sz416_lr0.01_s42 ends at mAP@50 0.3227, mAP@50-95 0.2728, precision 0.008, recall 0.7742; imgsz 416
// averages 0.30 against 0.27 for 320 (+11.1 % relative, recall +6.5 %); lr0 0.01 against 0.005 is within the seed
// noise (a difference of about 1–2 points of mAP@50 against a significance threshold of 2 × the pooled seed std);
// seeds of one configuration differ by about 2 points. The other runs' values are plausible and deterministic.
// The only measured figures of the demo are the worker's evaluation of the real ONNX model (step 3 of the demo).
//
// Hand check of the map50 column (each run's last epoch = its best, the curves rise):
//   imgsz 320: 0.2812 0.2624 0.2746 0.2618                    → mean 0.2700
//   imgsz 416: 0.3227 0.3031 0.3050 0.2957 0.2735             → mean 0.3000 (+11.1 %)
//   recall 320: 0.7150 0.6930 0.7085 0.6970 → 0.703375; 416: 0.7742 0.7518 0.7601 0.7390 0.7204 → 0.7491 (+6.5 %)
//   seed groups (imgsz, lr0): (320, 0.01) 0.2812/0.2624, (320, 0.005) 0.2746/0.2618, (416, 0.01) 0.3227/0.3031/0.3050,
//   (416, 0.005) 0.2957/0.2735 → pooled std 0.0122, threshold 0.0243; lr0 0.005 → 0.01: 0.2764 → 0.2949 (+0.0185,
//   not significant); imgsz 320 → 416: +0.0300 (significant).

export const EXPERIMENT = 'coco128-person';
export const EXPERIMENT_DESCRIPTION =
  'YOLOv8n, 3 epochs, person class, 40 training images of COCO128: imgsz 320/416 × lr0 0.01/0.005 × seed 42/1, plus a repeat of the best configuration. Logged by `npm run demo`: the training figures are illustrative, not measured (scripts/demo-data.mjs).';
export const MODEL_NAME = 'yolov8n-coco128-person';
export const BEST_RUN = 'yolov8n_e3_sz416_lr0.01_s42';
export const EPOCHS = 3;
/** The checkpoint registered: the real YOLOv8n (COCO-80) exported to ONNX, see assets/README.md. */
export const CHECKPOINT = { file: 'assets/models/yolov8n_fp32_dynamic.onnx', artifactPath: 'weights/best.onnx' };
/** What gridAnalysis must find in these figures (checked by apps/api/test/e2e/demo.e2e.spec.ts). */
export const EXPECTED = { imgszMeans: { 320: 0.27, 416: 0.3 }, imgszRelativeChange: 0.03 / 0.27, recallRelativeChange: 0.7491 / 0.703375 - 1 };

/**
 * The nine runs, in the order they are logged: the 2 × 2 × 2 grid, then a second run of the best configuration (same
 * seed: GPU training is not bit-reproducible) that adds to the seed-noise estimate. `final` is the last epoch.
 */
export const RUNS = [
  { name: 'yolov8n_e3_sz320_lr0.01_s42', imgsz: 320, lr0: '0.01', seed: 42, final: { map50: 0.2812, map50_95: 0.2352, precision: 0.0061, recall: 0.715 } },
  { name: 'yolov8n_e3_sz320_lr0.01_s1', imgsz: 320, lr0: '0.01', seed: 1, final: { map50: 0.2624, map50_95: 0.219, precision: 0.0058, recall: 0.693 } },
  { name: 'yolov8n_e3_sz320_lr0.005_s42', imgsz: 320, lr0: '0.005', seed: 42, final: { map50: 0.2746, map50_95: 0.2301, precision: 0.0066, recall: 0.7085 } },
  { name: 'yolov8n_e3_sz320_lr0.005_s1', imgsz: 320, lr0: '0.005', seed: 1, final: { map50: 0.2618, map50_95: 0.2183, precision: 0.0055, recall: 0.697 } },
  { name: 'yolov8n_e3_sz416_lr0.01_s42', imgsz: 416, lr0: '0.01', seed: 42, final: { map50: 0.3227, map50_95: 0.2728, precision: 0.008, recall: 0.7742 } },
  { name: 'yolov8n_e3_sz416_lr0.01_s1', imgsz: 416, lr0: '0.01', seed: 1, final: { map50: 0.3031, map50_95: 0.2551, precision: 0.0074, recall: 0.7518 } },
  { name: 'yolov8n_e3_sz416_lr0.005_s42', imgsz: 416, lr0: '0.005', seed: 42, final: { map50: 0.2957, map50_95: 0.2486, precision: 0.0077, recall: 0.739 } },
  { name: 'yolov8n_e3_sz416_lr0.005_s1', imgsz: 416, lr0: '0.005', seed: 1, final: { map50: 0.2735, map50_95: 0.2297, precision: 0.0069, recall: 0.7204 } },
  { name: 'yolov8n_e3_sz416_lr0.01_s42_repeat', imgsz: 416, lr0: '0.01', seed: 42, final: { map50: 0.305, map50_95: 0.2574, precision: 0.0065, recall: 0.7601 } },
];

/** Each validation metric per epoch as a fraction of its last value (the curves rise: still under-trained at 3). */
const RISE = { map50: [0.78, 0.93, 1], map50_95: [0.72, 0.9, 1], precision: [0.55, 0.82, 1], recall: [0.86, 0.95, 1] };
/** Losses of the first epoch and their fall per epoch, for imgsz 320 at lr0 0.005; see lossScale for the others. */
const LOSS = {
  'train/box_loss': [1.412, 0.071],
  'train/cls_loss': [2.874, 0.386],
  'train/dfl_loss': [1.297, 0.038],
  'val/box_loss': [1.318, 0.052],
  'val/cls_loss': [2.431, 0.297],
  'val/dfl_loss': [1.241, 0.027],
};
const r4 = (x) => Math.round(x * 1e4) / 1e4;
const r6 = (x) => Math.round(x * 1e6) / 1e6;
/** Larger images and the larger learning rate lower the losses a little; each seed shifts them slightly. */
const lossScale = (run) => (run.imgsz === 416 ? 0.97 : 1) * (run.lr0 === '0.01' ? 0.985 : 1) * (run.seed === 1 ? 1.006 : run.name.endsWith('_repeat') ? 1.003 : 1);

/**
 * Ultralytics' learning rates at the end of epoch `epoch` (SGD, lrf 0.01, linear schedule, warmup over
 * max(3 epochs × 3 batches, 100) iterations: every iteration of this short run is in warmup). pg0, pg1 (weights) rise
 * from 0, pg2 (biases) falls from warmup_bias_lr 0.1, towards lr0 × lf(epoch).
 */
function learningRates(run, epoch) {
  const lr0 = Number(run.lr0);
  const lf = (1 - epoch / EPOCHS) * (1 - 0.01) + 0.01;
  const ni = 2 + 3 * epoch; // the last batch of the epoch (3 batches of 16 for 40 images)
  const t = ni / 100;
  const weights = r6(t * lr0 * lf);
  return { 'lr/pg0': weights, 'lr/pg1': weights, 'lr/pg2': r6(0.1 + t * (lr0 * lf - 0.1)) };
}

/**
 * What Ultralytics' MLflow callback logs for `epoch` (0-based, the MLflow step), as two batches: at the end of the
 * train epoch (learning rates, train losses) and at the end of the fit epoch (validation metrics and losses). Keys
 * are the callback's: parentheses stripped (`metrics/mAP50(B)` → `metrics/mAP50B`).
 */
export function epochMetrics(run, epoch) {
  const scale = lossScale(run);
  const loss = (key) => r4((LOSS[key][0] - LOSS[key][1] * epoch) * scale);
  const rise = (key) => r4(run.final[key] * RISE[key][epoch]);
  return {
    train: { ...learningRates(run, epoch), 'train/box_loss': loss('train/box_loss'), 'train/cls_loss': loss('train/cls_loss'), 'train/dfl_loss': loss('train/dfl_loss') },
    fit: {
      'metrics/precisionB': rise('precision'),
      'metrics/recallB': rise('recall'),
      'metrics/mAP50B': rise('map50'),
      'metrics/mAP50-95B': rise('map50_95'),
      'val/box_loss': loss('val/box_loss'),
      'val/cls_loss': loss('val/cls_loss'),
      'val/dfl_loss': loss('val/dfl_loss'),
    },
  };
}

/** `dict(trainer.args)` of `yolo train model=yolov8n.pt data=coco128.yaml classes=[0] fraction=0.3125 epochs=3 …`, str()'d as MLflow's log_params does. */
export function ultralyticsArgs(run) {
  return {
    task: 'detect',
    mode: 'train',
    model: 'yolov8n.pt',
    data: 'coco128.yaml',
    epochs: String(EPOCHS),
    time: 'None',
    patience: '100',
    batch: '16',
    imgsz: String(run.imgsz),
    save: 'True',
    save_period: '-1',
    cache: 'False',
    device: '0',
    workers: '8',
    project: EXPERIMENT,
    name: run.name,
    exist_ok: 'False',
    pretrained: 'True',
    optimizer: 'SGD',
    verbose: 'True',
    seed: String(run.seed),
    deterministic: 'True',
    single_cls: 'False',
    rect: 'False',
    cos_lr: 'False',
    close_mosaic: '10',
    resume: 'False',
    amp: 'True',
    fraction: '0.3125',
    profile: 'False',
    freeze: 'None',
    multi_scale: 'False',
    overlap_mask: 'True',
    mask_ratio: '4',
    dropout: '0.0',
    val: 'True',
    split: 'val',
    save_json: 'False',
    conf: 'None',
    iou: '0.7',
    max_det: '300',
    half: 'False',
    dnn: 'False',
    plots: 'True',
    classes: '[0]',
    lr0: run.lr0,
    lrf: '0.01',
    momentum: '0.937',
    weight_decay: '0.0005',
    warmup_epochs: '3.0',
    warmup_momentum: '0.8',
    warmup_bias_lr: '0.1',
    box: '7.5',
    cls: '0.5',
    dfl: '1.5',
    nbs: '64',
    hsv_h: '0.015',
    hsv_s: '0.7',
    hsv_v: '0.4',
    degrees: '0.0',
    translate: '0.1',
    scale: '0.5',
    shear: '0.0',
    perspective: '0.0',
    flipud: '0.0',
    fliplr: '0.5',
    bgr: '0.0',
    mosaic: '1.0',
    mixup: '0.0',
    copy_paste: '0.0',
    auto_augment: 'randaugment',
    erasing: '0.4',
    cfg: 'None',
    tracker: 'botsort.yaml',
    save_dir: `runs/detect/${run.name}`,
  };
}

/** results.csv as Ultralytics writes it (one row per epoch), from the same figures. */
export function resultsCsv(run) {
  const cols = [
    'train/box_loss',
    'train/cls_loss',
    'train/dfl_loss',
    'metrics/precision(B)',
    'metrics/recall(B)',
    'metrics/mAP50(B)',
    'metrics/mAP50-95(B)',
    'val/box_loss',
    'val/cls_loss',
    'val/dfl_loss',
    'lr/pg0',
    'lr/pg1',
    'lr/pg2',
  ];
  const rows = [];
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    const { train, fit } = epochMetrics(run, epoch);
    const all = { ...train, ...Object.fromEntries(Object.entries(fit).map(([k, v]) => [k.replace(/B$/, '(B)'), v])) };
    rows.push([epoch + 1, ...cols.map((c) => all[c])].join(','));
  }
  return `epoch,${cols.join(',')}\n${rows.join('\n')}\n`;
}
