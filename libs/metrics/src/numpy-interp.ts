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

function valueAt(x: number, j: number, xp: ArrayLike<number>, fp: ArrayLike<number>, n: number): number {
  if (j === n - 1 || xp[j] === x) return fp[j];
  const slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
  return slope * (x - xp[j]) + fp[j];
}

/** One point; `n` is how many xp/fp entries to use. */
export function interpAt(x: number, xp: ArrayLike<number>, fp: ArrayLike<number>, n: number, left: number = fp[0], right: number = fp[n - 1]): number {
  if (x > xp[n - 1]) return right;
  if (x < xp[0]) return left;
  return valueAt(x, lastAtMost(xp, n, x, 0), xp, fp, n);
}

/**
 * Many points at once for queries in ascending order (out[k] for xs[k]), walking xp once; same values as interpAt.
 * Two curves sharing xp are filled together (fp2/out2 optional).
 */
export function interpAscending(
  xs: ArrayLike<number>,
  xp: ArrayLike<number>,
  n: number,
  fp: ArrayLike<number>,
  out: Float64Array,
  left: number,
  right: number,
  fp2?: ArrayLike<number>,
  out2?: Float64Array,
  left2 = 0,
  right2 = 0,
  reverse = false,
): void {
  const m = xs.length;
  let j = 0;
  for (let q = 0; q < m; q++) {
    const k = reverse ? m - 1 - q : q;
    const x = reverse ? -xs[k] : xs[k];
    if (x > xp[n - 1]) {
      out[k] = right;
      if (out2) out2[k] = right2;
      continue;
    }
    if (x < xp[0]) {
      out[k] = left;
      if (out2) out2[k] = left2;
      continue;
    }
    while (j + 1 < n && xp[j + 1] <= x) j++;
    out[k] = valueAt(x, j, xp, fp, n);
    if (out2 && fp2) out2[k] = valueAt(x, j, xp, fp2, n);
  }
}
