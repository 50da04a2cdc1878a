// Small descriptive statistics; sample (n − 1) standard deviation throughout, as the grid report promises.

export const mean = (values: readonly number[]): number => (values.length === 0 ? Number.NaN : values.reduce((s, v) => s + v, 0) / values.length);

/** Sample standard deviation (n − 1); null when n < 2 (undefined, not zero). */
export function sampleStd(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const m = mean(values);
  const ss = values.reduce((s, v) => s + (v - m) ** 2, 0);
  return Math.sqrt(ss / (values.length - 1));
}

/**
 * Pooled standard deviation of several groups: sqrt(Σ (n_g − 1)·s_g² / Σ (n_g − 1)), i.e. every group's squared
 * deviations from its own mean, over the total degrees of freedom. Groups with n < 2 contribute nothing.
 */
export function pooledStd(groups: readonly (readonly number[])[]): { std: number | null; degreesOfFreedom: number } {
  let ss = 0;
  let df = 0;
  for (const g of groups) {
    if (g.length < 2) continue;
    const m = mean(g);
    ss += g.reduce((s, v) => s + (v - m) ** 2, 0);
    df += g.length - 1;
  }
  return { std: df === 0 ? null : Math.sqrt(ss / df), degreesOfFreedom: df };
}

/** (b − a) / a; null when a is 0 or not finite (a relative change is then meaningless). */
export function relativeChange(a: number, b: number): number | null {
  if (!Number.isFinite(a) || !Number.isFinite(b) || a === 0) return null;
  return (b - a) / a;
}
