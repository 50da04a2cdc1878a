// numpy's pairwise summation (what np.sum / np.mean do on a 1-D run of doubles): blocks of up to 128 summed with
// eight interleaved accumulators, halves combined recursively. Matching it keeps means equal to the last bit.

export function pairwiseSum(a: ArrayLike<number>, start = 0, n = a.length - start): number {
  if (n < 8) {
    let s = -0;
    for (let i = 0; i < n; i++) s += a[start + i];
    return n === 0 ? 0 : s;
  }
  if (n <= 128) {
    let r0 = a[start],
      r1 = a[start + 1],
      r2 = a[start + 2],
      r3 = a[start + 3];
    let r4 = a[start + 4],
      r5 = a[start + 5],
      r6 = a[start + 6],
      r7 = a[start + 7];
    const end8 = n - (n % 8);
    let i = 8;
    for (; i < end8; i += 8) {
      r0 += a[start + i];
      r1 += a[start + i + 1];
      r2 += a[start + i + 2];
      r3 += a[start + i + 3];
      r4 += a[start + i + 4];
      r5 += a[start + i + 5];
      r6 += a[start + i + 6];
      r7 += a[start + i + 7];
    }
    let s = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) s += a[start + i];
    return s;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

/** np.mean of a 1-D array; NaN for an empty one, as numpy gives. */
export function npMean(a: ArrayLike<number>): number {
  return a.length === 0 ? Number.NaN : pairwiseSum(a) / a.length;
}
