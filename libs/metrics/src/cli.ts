// Command line: `npm run --silent metrics -- --gt <instances.json | labels-dir --images images-dir> --dt <predictions.json[.gz]>
// --protocol ultralytics|coco [--classes 0,2] [--conf 0.25] [--curves]` prints one JSON object on stdout.
import { statSync } from 'node:fs';
import { createAccumulator } from './accumulator';
import { readCocoDataset } from './io/coco-dataset';
import { readPredictions } from './io/predictions';
import { readYoloDataset, type DatasetImage } from './io/yolo-dataset';
import { MetricsError } from './metrics-error';
import type { AccumulatorOptions, CurveResult, DetectionResult, OperatingPoint, Protocol } from './types';

const USAGE = `usage: npm run --silent metrics -- --gt <instances.json | labels-dir> [--images images-dir] --dt <predictions.json[.gz]>
       --protocol ultralytics|coco [--classes 0,2] [--conf 0.25] [--curves]

  --gt        COCO instances json, or a YOLO label folder (then --images is required)
  --images    image folder paired with the label folder by file stem (sizes read from the headers)
  --dt        COCO results [{image_id, category_id, bbox: [x, y, w, h], score}] with a COCO json, or
              [{image: "<file stem>", cls, box: [x1, y1, x2, y2], score}] (0-based classes) with a label folder
              (COCO results with image_id = file stem and category_id = 0-based class are read too);
              plain json or gzipped (a gpu-worker's predictions.json.gz)
  --protocol  ultralytics (Ultralytics 8.4.50 val) or coco (pycocotools COCOeval bbox)
  --classes   keep only these class ids (YOLO index, or COCO category id) in labels and predictions
  --conf      also report P / R / F1 at this confidence ("operatingPoint"), and use it for the confusion matrix
  --curves    include the per-class curves (the mean curves are always printed)`;

class UsageError extends Error {}

interface CliArgs {
  gt: string;
  images?: string;
  dt: string;
  protocol: Protocol;
  classes?: number[];
  conf?: number;
  curves: boolean;
}

export function parseArgs(argv: readonly string[]): CliArgs {
  const values = new Map<string, string>();
  let curves = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--curves') curves = true;
    else if (a === '--help' || a === '-h') throw new UsageError('');
    else if (['--gt', '--images', '--dt', '--protocol', '--classes', '--conf'].includes(a)) {
      if (i + 1 >= argv.length) throw new UsageError(`${a} needs a value`);
      values.set(a, argv[++i]);
    } else throw new UsageError(`unknown argument ${a}`);
  }
  const gt = values.get('--gt');
  const dt = values.get('--dt');
  const protocol = values.get('--protocol');
  if (!gt || !dt) throw new UsageError('--gt and --dt are required');
  if (protocol !== 'ultralytics' && protocol !== 'coco') throw new UsageError('--protocol must be ultralytics or coco');
  const classesArg = values.get('--classes');
  const classes = classesArg?.split(',').map((s) => Number(s.trim()));
  if (classes && classes.some((c) => !Number.isInteger(c))) throw new UsageError(`--classes must be integers, got ${classesArg}`);
  const confArg = values.get('--conf');
  const conf = confArg === undefined ? undefined : Number(confArg);
  if (conf !== undefined && !Number.isFinite(conf)) throw new UsageError(`--conf must be a number, got ${confArg}`);
  return { gt, images: values.get('--images'), dt, protocol, classes, conf, curves };
}

function stripCurve(c: CurveResult, keepPerClass: boolean): CurveResult {
  return keepPerClass ? c : { ...c, perClass: [] };
}

export function runCli(args: CliArgs): DetectionResult & { operatingPoint?: OperatingPoint } {
  const isJson = statSync(args.gt).isFile();
  let images: DatasetImage[];
  let classNames: AccumulatorOptions['classNames'];
  if (isJson) {
    const ds = readCocoDataset(args.gt, { classes: args.classes, boxFormat: 'xywh' });
    images = ds.images;
    classNames = ds.classNames;
  } else {
    if (!args.images) throw new UsageError('--images is required with a label folder');
    const ds = readYoloDataset({ imagesDir: args.images, labelsDir: args.gt, classes: args.classes });
    images = ds.images;
    classNames = ds.classNames;
  }
  const predictions = readPredictions(args.dt);
  const byKey = new Map(images.map((im) => [String(im.imageId), im]));
  for (const id of predictions.keys())
    if (!byKey.has(String(id))) throw new MetricsError('UNKNOWN_IMAGE', `${args.dt}: predictions for image ${String(id)}, which the ground truth does not hold`, { imageId: id });
  const dtByKey = new Map([...predictions].map(([id, dt]) => [String(id), dt]));

  const confusionConf = args.conf === undefined || args.conf === 0.001 ? 0.25 : args.conf;
  const acc = createAccumulator({ protocol: args.protocol, classNames, classes: args.classes, confusionConf });
  for (const im of images) acc.add({ imageId: im.imageId, width: im.width, height: im.height, gt: im.gt, dt: dtByKey.get(String(im.imageId)) });
  const r = acc.finish();
  const out: DetectionResult & { operatingPoint?: OperatingPoint } = {
    ...r,
    prCurve: stripCurve(r.prCurve, args.curves),
    f1Curve: stripCurve(r.f1Curve, args.curves),
    pCurve: stripCurve(r.pCurve, args.curves),
    rCurve: stripCurve(r.rCurve, args.curves),
  };
  if (args.conf !== undefined) out.operatingPoint = acc.operatingPointAt(args.conf);
  return out;
}

export function main(argv: readonly string[]): number {
  try {
    process.stdout.write(`${JSON.stringify(runCli(parseArgs(argv)))}\n`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message ? `metrics: ${e.message}\n` : ''}${USAGE}\n`);
      return e.message ? 2 : 0;
    }
    if (e instanceof MetricsError) {
      process.stderr.write(`${JSON.stringify({ error: { code: e.code, message: e.message, ...e.details } })}\n`);
      return 1;
    }
    process.stderr.write(`metrics: ${(e as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
