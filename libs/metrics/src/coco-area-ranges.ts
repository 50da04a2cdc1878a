// pycocotools' default area ranges for bbox evaluation, in square pixels (bounds inclusive on both sides).

export const COCO_AREA_RANGES: readonly (readonly [number, number])[] = [
  [0 ** 2, 1e5 ** 2], // all
  [0 ** 2, 32 ** 2], // small
  [32 ** 2, 96 ** 2], // medium
  [96 ** 2, 1e5 ** 2], // large
];
export const COCO_MAX_DETS: readonly number[] = [1, 10, 100];
