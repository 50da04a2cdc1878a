// Image order for ties across images, so results never depend on the order images were added: numbers ascending
// (pycocotools sorts its integer image ids), then strings in code-unit order.
import type { ImageId } from './types';

export function compareImageIds(a: ImageId, b: ImageId): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** order[slot] = position of the slot's image in sorted id order. */
export function imageOrder(ids: readonly ImageId[]): Int32Array {
  const slots = ids.map((_, i) => i).sort((x, y) => compareImageIds(ids[x], ids[y]));
  const order = new Int32Array(ids.length);
  slots.forEach((slot, pos) => (order[slot] = pos));
  return order;
}
