// The fields of an MLflow request, read from the JSON body (POST) or the query string (GET; a repeated field as a
// repeated parameter), each checked as MLflow checks it: a missing or mistyped value is INVALID_PARAMETER_VALUE
// naming the field. int64 fields take JSON numbers or decimal strings (proto3 JSON allows both).
import { AppError, badInput } from '../common/app-error';

const DECIMAL = /^-?\d{1,16}$/;

export const missingValue = (name: string): AppError => badInput(`Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`, { field: name });

export const invalidValue = (name: string, value: unknown, why: string): AppError => badInput(`Invalid value ${shown(value)} for parameter '${name}' supplied: ${why}`, { field: name });

function shown(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A string field's value: NUL is refused (PostgreSQL cannot store it), as is a value over `max` characters. */
export function checkString(name: string, value: unknown, max: number): string {
  if (typeof value !== 'string') throw invalidValue(name, value, `expected a string, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  if (value.includes('\0')) throw invalidValue(name, value, 'NUL characters are not allowed');
  if (value.length > max) throw invalidValue(name, value, `longer than ${max} characters (${value.length})`);
  return value;
}

/** An int64 field (a JSON number or a decimal string) as a safe integer. */
export function checkInt64(name: string, value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && DECIMAL.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw invalidValue(name, value, 'expected an integer');
  return n;
}

export class MlflowParams {
  private constructor(
    private readonly fields: Record<string, unknown>,
    /** GET: every value is a string, a repeated parameter an array. */
    readonly fromQuery: boolean,
  ) {}

  static ofBody(body: Record<string, unknown>): MlflowParams {
    return new MlflowParams(body, false);
  }

  static ofQuery(search: URLSearchParams): MlflowParams {
    const fields: Record<string, string | string[]> = {};
    for (const key of new Set(search.keys())) {
      const all = search.getAll(key);
      fields[key] = all.length === 1 ? all[0] : all;
    }
    return new MlflowParams(fields, true);
  }

  /** A field's raw value; the first of a repeated query parameter. null and absent are both undefined. */
  private value(name: string): unknown {
    const v = this.fields[name];
    if (this.fromQuery && Array.isArray(v)) return v[0];
    return v ?? undefined;
  }

  /** A field's value as sent (a metric value may be a number or a string); undefined when absent or null. */
  raw(name: string): unknown {
    return this.value(name);
  }

  has(name: string): boolean {
    return this.value(name) !== undefined;
  }

  /** An optional string; '' counts as given (MLflow's proto default). */
  string(name: string, max = 10_000): string | undefined {
    const v = this.value(name);
    return v === undefined ? undefined : checkString(name, v, max);
  }

  /** A required string: absent, null or '' is a missing value. */
  requiredString(name: string, max = 10_000): string {
    const v = this.string(name, max);
    if (v === undefined || v === '') throw missingValue(name);
    return v;
  }

  int64(name: string): number | undefined {
    const v = this.value(name);
    return v === undefined || v === '' ? undefined : checkInt64(name, v);
  }

  /** The run of a run request: `run_id`, or the older `run_uuid`. */
  runId(): string {
    const id = this.string('run_id', 256) || this.string('run_uuid', 256);
    if (!id) throw missingValue('run_id');
    return id;
  }

  /** A repeated string field (at most `maxItems`). */
  strings(name: string, maxItems: number, maxLength = 10_000): string[] {
    const v = this.fields[name] ?? undefined;
    if (v === undefined) return [];
    const list = this.fromQuery && typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list)) throw invalidValue(name, v, 'expected a list');
    if (list.length > maxItems) throw invalidValue(name, `${list.length} items`, `at most ${maxItems} are allowed`);
    return list.map((item, i) => checkString(`${name}[${i}]`, item, maxLength));
  }

  /** A repeated message field: a list of JSON objects (at most `maxItems`). */
  objects(name: string, maxItems: number): Record<string, unknown>[] {
    const v = this.fields[name] ?? undefined;
    if (v === undefined) return [];
    if (!Array.isArray(v)) throw invalidValue(name, v, 'expected a list');
    if (v.length > maxItems) throw badInput(`A batch logging request can contain at most ${maxItems} ${name}; got ${v.length}. Nothing was stored.`, { field: name, max: maxItems, got: v.length });
    v.forEach((item, i) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) throw invalidValue(`${name}[${i}]`, item, 'expected an object');
    });
    return v as Record<string, unknown>[];
  }

  /** An enum field, by name (e.g. "ACTIVE_ONLY") or by number (proto3 JSON allows both). */
  enumOf<T extends string>(name: string, names: readonly T[], numbers: Readonly<Record<number, T>>): T | undefined {
    const v = this.value(name);
    if (v === undefined || v === '') return undefined;
    if (typeof v === 'string' && (names as readonly string[]).includes(v)) return v as T;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : Number.NaN;
    if (numbers[n] !== undefined) return numbers[n];
    throw invalidValue(name, v, `expected one of ${names.join(', ')}`);
  }
}
