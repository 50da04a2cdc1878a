// Metric key limits of the api; the aliases of canonical keys are the shared table of @podium/contracts
// (CONTRIBUTING.md rule 14), re-exported here for the api's features.
export { aliasesOf, canonicalMetricKey } from '@podium/contracts';

export const MAX_METRIC_KEY_LENGTH = 250;

/** Keys one read may name (Run.metrics(keys:), a metricLogged key filter): they become an IN list. */
export const MAX_KEYS_PER_READ = 100;
