// Image order for ties across images, so results never depend on the order images were added: numbers ascending
// (pycocotools sorts its integer image ids), then strings in code-unit order.
import type { ImageId } from './types';

export function compareImageIds(a: ImageId, b: ImageId): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
