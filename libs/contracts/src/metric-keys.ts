// The one table of metric key aliases (CONTRIBUTING.md rule 14): Ultralytics logs `metrics/mAP50(B)`; its MLflow
// callback strips the parentheses (`metrics/mAP50B`). Both name the canonical `map50`.

/** Alias → canonical key. */
export const METRIC_KEY_ALIASES: Readonly<Record<string, string>> = {
  'metrics/mAP50(B)': 'map50',
  'metrics/mAP50B': 'map50',
  'metrics/mAP50-95(B)': 'map50_95',
  'metrics/mAP50-95B': 'map50_95',
  'metrics/precision(B)': 'precision',
  'metrics/precisionB': 'precision',
  'metrics/recall(B)': 'recall',
  'metrics/recallB': 'recall',
};

/** The canonical key for `key`: an Ultralytics alias maps to its canonical name; any other key is kept as it is. */
export function canonicalMetricKey(key: string): string {
  return METRIC_KEY_ALIASES[key] ?? key;
}

/** The aliases of a canonical key (for lookups in data keyed as logged, docs and error messages). */
export function aliasesOf(canonical: string): string[] {
  return Object.keys(METRIC_KEY_ALIASES).filter((k) => METRIC_KEY_ALIASES[k] === canonical);
}
