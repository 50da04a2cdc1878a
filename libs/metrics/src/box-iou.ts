// Box IoU as each peer computes it. Ultralytics: torch box_iou on float32 tensors, xyxy, eps 1e-7 in the
// denominator, every operation rounded to float32. COCO: pycocotools' bbIou on float64 xywh boxes, where a crowd
// ground truth's union is the detection's own area.

const f32 = Math.fround;
const EPS_F32 = Math.fround(1e-7);

/**
 * IoU of label box `g` (index into gt, xyxy float32 values) and prediction box `d` (xyxy float32 values), every
 * step rounded to float32 as torch does: inter / (area_g + area_d - inter + 1e-7).
 */
export function iouFloat32(gt: ArrayLike<number>, g: number, dt: ArrayLike<number>, d: number): number {
  const gx1 = gt[4 * g],
    gy1 = gt[4 * g + 1],
    gx2 = gt[4 * g + 2],
    gy2 = gt[4 * g + 3];
  const dx1 = dt[4 * d],
    dy1 = dt[4 * d + 1],
    dx2 = dt[4 * d + 2],
    dy2 = dt[4 * d + 3];
  let w = f32((gx2 < dx2 ? gx2 : dx2) - (gx1 > dx1 ? gx1 : dx1));
  let h = f32((gy2 < dy2 ? gy2 : dy2) - (gy1 > dy1 ? gy1 : dy1));
  if (!(w > 0)) w = 0; // clamp_(0)
  if (!(h > 0)) h = 0;
  const inter = f32(w * h);
  const areaG = f32(f32(gx2 - gx1) * f32(gy2 - gy1));
  const areaD = f32(f32(dx2 - dx1) * f32(dy2 - dy1));
  return f32(inter / f32(f32(f32(areaG + areaD) - inter) + EPS_F32));
}

/**
 * pycocotools bbIou for one pair of xywh boxes (float64): 0 when they do not overlap; the union is the detection
 * area alone when the ground truth is a crowd region.
 */
export function iouCoco(dt: ArrayLike<number>, d: number, gt: ArrayLike<number>, g: number, crowd: boolean): number {
  const dx = dt[4 * d],
    dy = dt[4 * d + 1],
    dw = dt[4 * d + 2],
    dh = dt[4 * d + 3];
  const gx = gt[4 * g],
    gy = gt[4 * g + 1],
    gw = gt[4 * g + 2],
    gh = gt[4 * g + 3];
  const w = Math.min(dw + dx, gw + gx) - Math.max(dx, gx);
  if (w <= 0) return 0;
  const h = Math.min(dh + dy, gh + gy) - Math.max(dy, gy);
  if (h <= 0) return 0;
  const i = w * h;
  const da = dw * dh;
  const u = crowd ? da : da + gw * gh - i;
  return i / u;
}
