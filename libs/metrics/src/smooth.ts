// Ultralytics' smooth(y, f): a box filter of round(len * f * 2) // 2 + 1 taps (101 for 1000 points at f = 0.1),
// the ends padded with the first and last value, then np.convolve(..., mode="valid").

export function smooth(y: ArrayLike<number>, f: number): Float64Array {
  const n = y.length;
  const nf = Math.floor(roundHalfEven(n * f * 2) / 2) + 1;
  const half = Math.floor(nf / 2);
  const padded = new Float64Array(n + 2 * half);
  for (let i = 0; i < half; i++) {
    padded[i] = y[0];
    padded[half + n + i] = y[n - 1];
  }
  for (let i = 0; i < n; i++) padded[half + i] = y[i];
  const w = 1 / nf;
  const out = new Float64Array(n + 2 * half - nf + 1);
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let k = 0; k < nf; k++) s += padded[i + k] * w;
    out[i] = s;
  }
  return out;
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** First index of the maximum, as np.argmax. */
export function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
}
