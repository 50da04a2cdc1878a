// The one place where Ultralytics metric keys map to Podium's canonical keys (CONTRIBUTING.md rule 14).
// Ultralytics logs `metrics/mAP50(B)`; its MLflow callback strips parentheses (`metrics/mAP50B`). Both land on `map50`.

const ALIASES: Record<string, string> = {
  'metrics/mAP50(B)': 'map50',
  'metrics/mAP50B': 'map50',
  'metrics/mAP50-95(B)': 'map50_95',
  'metrics/mAP50-95B': 'map50_95',
  'metrics/precision(B)': 'precision',
  'metrics/precisionB': 'precision',
  'metrics/recall(B)': 'recall',
  'metrics/recallB': 'recall',
};

export const CANONICAL_METRIC_KEYS = ['map50', 'map50_95', 'precision', 'recall', 'fitness'] as const;

/** The canonical key for `key`: an Ultralytics alias maps to its canonical name; any other key is kept as it is. */
export function canonicalMetricKey(key: string): string {
  return ALIASES[key] ?? key;
}

/** The aliases accepted for a canonical key (for docs and error messages). */
export function aliasesOf(canonical: string): string[] {
  return Object.keys(ALIASES).filter((k) => ALIASES[k] === canonical);
}

export const MAX_METRIC_KEY_LENGTH = 250;

/** Keys one read may name (Run.metrics(keys:), a metricLogged key filter): they become an IN list. */
export const MAX_KEYS_PER_READ = 100;
