/**
 * Letterbox geometry (resize keeping the aspect ratio, pad to a square) and its inverse, per family:
 * Ultralytics centres the image (pad split with its `round(d ∓ 0.1)` rule), YOLOX puts it top-left.
 */
export type PadMode = 'center' | 'top-left';

export interface Letterbox {
  /** Scale from original to model-input pixels. */
  readonly gain: number;
  readonly resizedWidth: number;
  readonly resizedHeight: number;
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

export function computeLetterbox(width: number, height: number, size: number, pad: PadMode): Letterbox {
  const gain = Math.min(size / width, size / height);
  if (pad === 'top-left') {
    // YOLOX preproc truncates: int(w * r)
    const resizedWidth = Math.max(1, Math.floor(width * gain));
    const resizedHeight = Math.max(1, Math.floor(height * gain));
    return { gain, resizedWidth, resizedHeight, left: 0, top: 0, right: size - resizedWidth, bottom: size - resizedHeight };
  }
  const resizedWidth = Math.max(1, Math.round(width * gain));
  const resizedHeight = Math.max(1, Math.round(height * gain));
  const dw = (size - resizedWidth) / 2;
  const dh = (size - resizedHeight) / 2;
  const left = Math.max(0, Math.round(dw - 0.1));
  const top = Math.max(0, Math.round(dh - 0.1));
  return { gain, resizedWidth, resizedHeight, left, top, right: size - resizedWidth - left, bottom: size - resizedHeight - top };
}

/**
 * Maps xyxy boxes (4 per box) from model-input pixels back to original pixels in place, clipped to the image,
 * as Ultralytics' scale_boxes does.
 */
export function unletterboxBoxes(boxes: Float32Array, box: Letterbox, width: number, height: number): Float32Array {
  for (let i = 0; i < boxes.length; i += 4) {
    boxes[i] = clamp((boxes[i] - box.left) / box.gain, width);
    boxes[i + 1] = clamp((boxes[i + 1] - box.top) / box.gain, height);
    boxes[i + 2] = clamp((boxes[i + 2] - box.left) / box.gain, width);
    boxes[i + 3] = clamp((boxes[i + 3] - box.top) / box.gain, height);
  }
  return boxes;
}

/** The forward map of one point, for tests and labels drawn on the model input. */
export function letterboxPoint(x: number, y: number, box: Letterbox): [number, number] {
  return [x * box.gain + box.left, y * box.gain + box.top];
}

function clamp(value: number, max: number): number {
  return value < 0 ? 0 : value > max ? max : value;
}
