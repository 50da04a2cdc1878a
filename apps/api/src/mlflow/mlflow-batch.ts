// The items of MLflow's logging requests (metrics, params, tags, dataset inputs), checked against MLflow's limits
// before anything is written: a refused request stores nothing.
import type { KeyValue } from '../experiments/experiment.entity';
import type { MetricPointInput } from '../metrics/metric-batch';
import { checkInt64, checkString, invalidValue, missingValue } from './mlflow-params';

/** MLflow's own limits (mlflow/utils/validation.py). */
export const MLFLOW_LIMITS = {
  metricsPerBatch: 1000,
  paramsPerBatch: 100,
  tagsPerBatch: 100,
  keyLength: 250,
  paramValueLength: 6000,
  tagValueLength: 8000,
  datasetsPerRequest: 100,
} as const;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE: Record<string, number> = {
  nan: Number.NaN,
  inf: Number.POSITIVE_INFINITY,
  '+inf': Number.POSITIVE_INFINITY,
  infinity: Number.POSITIVE_INFINITY,
  '+infinity': Number.POSITIVE_INFINITY,
  '-inf': Number.NEGATIVE_INFINITY,
  '-infinity': Number.NEGATIVE_INFINITY,
};

/** A metric value: a JSON number, "NaN" / "Infinity" / "-Infinity" / "nan" / "inf" / "-inf" in any case, or a decimal string. */
export function metricValue(name: string, v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const text = v.trim();
    const special = NON_FINITE[text.toLowerCase()];
    if (special !== undefined) return special;
    if (NUMERIC.test(text)) return Number(text);
  }
  if (v === undefined || v === null) throw missingValue(name);
  throw invalidValue(name, v, 'expected a number, or "NaN", "Infinity", "-Infinity"');
}

function key(path: string, v: unknown): string {
  if (v === undefined || v === null || v === '') throw missingValue(`${path}.key`);
  return checkString(`${path}.key`, v, MLFLOW_LIMITS.keyLength);
}

/** One metric of a log-batch (`metrics[i]`) or the fields of a log-metric request. */
export function readMetric(m: Record<string, unknown>, path: string): MetricPointInput {
  const step = m.step === undefined || m.step === null ? 0 : checkInt64(`${path}.step`, m.step);
  if (step < INT32_MIN || step > INT32_MAX) throw invalidValue(`${path}.step`, m.step, 'steps are stored as 32-bit integers');
  const timestamp = m.timestamp === undefined || m.timestamp === null ? undefined : checkInt64(`${path}.timestamp`, m.timestamp);
  if (timestamp !== undefined && timestamp < 0) throw invalidValue(`${path}.timestamp`, m.timestamp, 'expected epoch milliseconds');
  return { key: key(path, m.key), value: metricValue(`${path}.value`, m.value), step, timestamp };
}

export function readParam(p: Record<string, unknown>, path: string): KeyValue {
  const value = p.value === undefined || p.value === null ? '' : checkString(`${path}.value`, p.value, MLFLOW_LIMITS.paramValueLength);
  return { key: key(path, p.key), value };
}

export function readTag(t: Record<string, unknown>, path: string): KeyValue {
  const value = t.value === undefined || t.value === null ? '' : checkString(`${path}.value`, t.value, MLFLOW_LIMITS.tagValueLength);
  return { key: key(path, t.key), value };
}

/** A dataset input of log-inputs: `{dataset: {name, digest, source_type, source, schema?, profile?}, tags?}`. */
export interface DatasetInputData {
  name: string;
  digest: string;
  sourceType: string;
  source: string;
  schema: string | null;
  profile: string | null;
  tags: KeyValue[];
}

export function readDatasetInput(input: Record<string, unknown>, path: string): DatasetInputData {
  const d = input.dataset;
  if (typeof d !== 'object' || d === null || Array.isArray(d)) throw missingValue(`${path}.dataset`);
  const ds = d as Record<string, unknown>;
  const required = (field: string, max: number): string => {
    const v = ds[field];
    if (v === undefined || v === null || v === '') throw missingValue(`${path}.dataset.${field}`);
    return checkString(`${path}.dataset.${field}`, v, max);
  };
  const optional = (field: string, max: number): string | null => (ds[field] === undefined || ds[field] === null ? null : checkString(`${path}.dataset.${field}`, ds[field], max));
  const tags = input.tags === undefined || input.tags === null ? [] : input.tags;
  if (!Array.isArray(tags)) throw invalidValue(`${path}.tags`, tags, 'expected a list');
  return {
    name: required('name', 500),
    digest: required('digest', 36),
    sourceType: required('source_type', 36),
    source: required('source', 65_535),
    schema: optional('schema', 1_048_575),
    profile: optional('profile', 16_384),
    tags: tags.map((t, i) => {
      if (typeof t !== 'object' || t === null) throw invalidValue(`${path}.tags[${i}]`, t, 'expected an object');
      const tag = t as Record<string, unknown>;
      return { key: key(`${path}.tags[${i}]`, tag.key), value: checkString(`${path}.tags[${i}].value`, tag.value ?? '', 500) };
    }),
  };
}
