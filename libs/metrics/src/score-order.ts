// The one sort rule of the library: highest score first, equal scores in the order given (a stable sort).
// Ultralytics' own argsort is not stable; pycocotools' mergesort is. Both accept this order.

/** Indices 0..n-1 of `scores` ordered by score descending, ties by index. */
export function scoreOrder(scores: ArrayLike<number>, n = scores.length): Uint32Array {
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  // check sortedness first: detectors' NMS output usually is
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) if (scores[i] > scores[i - 1]) sorted = false;
  if (!sorted) idx.sort((a, b) => scores[b] - scores[a] || a - b);
  return idx;
}
