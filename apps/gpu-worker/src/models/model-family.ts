/** What the pipeline knows about a detector's input and output, whatever produced the ONNX file. */
export type ModelFamily = 'yolov8' | 'yolov5' | 'yolox';

/** Output layouts: channel-major `[B, 4+nc, N]` (YOLOv8/11) or anchor-major `[B, N, 5+nc]` (YOLOv5/7, YOLOX). */
export type OutputLayout = 'channels-first' | 'anchors-first';

export interface Preprocess {
  /** Channel order the model wants; the letterboxed pixels arrive as RGB. */
  readonly channels: 'RGB' | 'BGR';
  /** Multiplier applied to 0–255 pixel values. */
  readonly scale: number;
  readonly pad: 'center' | 'top-left';
}

export interface ModelSpec {
  readonly family: ModelFamily;
  readonly layout: OutputLayout;
  readonly inputName: string;
  readonly outputName: string;
  /** null when the batch dimension is dynamic. */
  readonly fixedBatch: number | null;
  readonly imgsz: number;
  readonly numClasses: number;
  readonly numAnchors: number;
  readonly preprocess: Preprocess;
  /** Class names from the model's metadata (Ultralytics `names`), when present. */
  readonly classNames?: string[];
}

export function layoutOf(family: ModelFamily): OutputLayout {
  return family === 'yolov8' ? 'channels-first' : 'anchors-first';
}

export function preprocessOf(family: ModelFamily): Preprocess {
  // assets/README.md: Ultralytics RGB 0–1 centred; YOLOX BGR 0–255 top-left.
  if (family === 'yolox') return { channels: 'BGR', scale: 1, pad: 'top-left' };
  return { channels: 'RGB', scale: 1 / 255, pad: 'center' };
}
