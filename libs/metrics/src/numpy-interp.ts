// numpy.interp, reimplemented with its exact rules: the index is the last xp <= x (so on repeated xp the last
// repeat wins), x equal to that xp returns fp there, x past the last xp returns `right`, and the slope form
// slope * (x - xp[j]) + fp[j]. AP and the P/R curves differ from Ultralytics in the last bits otherwise.

/** Last index j in [lo, n) with xp[j] <= x, given xp[lo] <= x; xp non-decreasing. */
function lastAtMost(xp: ArrayLike<number>, n: number, x: number, lo: number): number {
  let hi = n; // invariant: xp[lo] <= x, and every index >= hi has xp > x
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (xp[mid] <= x) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** One point; `n` is how many xp/fp entries to use. */
export function interpAt(
  x: number,
  xp: ArrayLike<number>,
  fp: ArrayLike<number>,
  n: number,
  left: number = fp[0],
  right: number = fp[n - 1],
): number {
  if (x > xp[n - 1]) return right;
  if (x < xp[0]) return left;
  const j = lastAtMost(xp, n, x, 0);
  if (j === n - 1 || xp[j] === x) return fp[j];
  const slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
  return slope * (x - xp[j]) + fp[j];
}

/** Many points, written into `out`. */
export function interpInto(
  out: Float64Array | number[],
  xs: ArrayLike<number>,
  xp: ArrayLike<number>,
  fp: ArrayLike<number>,
  n: number,
  left: number = fp[0],
  right: number = fp[n - 1],
): void {
  for (let i = 0; i < xs.length; i++) out[i] = interpAt(xs[i], xp, fp, n, left, right);
}
