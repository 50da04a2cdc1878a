// A model's promotion policy (setPromotionPolicy): the gates per target, validated before it is stored.
import { HIGHER_IS_BETTER_METRICS } from './metric-value';
import { RegistryError } from './registry-error';
import { validateAliasName } from './aliases';

export const SETTING_KEYS = ['imgsz', 'conf', 'iou'] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

export interface EvaluationRequirement {
  /** Dataset name as the evaluation run's `dataset` param holds it, e.g. `coco128`. */
  readonly dataset: string;
  /** Canonical key of a higher-is-better metric, e.g. `map50`; the evaluation's LAST value is used. */
  readonly metric: string;
  /** Minimum value when there is nothing to compare with (no PRODUCTION holder, or none evaluated comparably). */
  readonly floor?: number;
  /** Require ≥ the PRODUCTION holder's evaluation on the same dataset digest and settings. */
  readonly compareWithProduction: boolean;
  /** Settings (params) that must be equal for two evaluations to be comparable. */
  readonly settingsMustMatch: readonly SettingKey[];
}

export interface TargetPolicy {
  readonly requireEvaluation?: EvaluationRequirement;
  /** PRODUCTION only: the candidate must have been in STAGING at least this long (from its stageEnteredAt). */
  readonly minTimeInStagingSeconds?: number;
  /** PRODUCTION only: allow NONE/ARCHIVED → PRODUCTION without going through STAGING. */
  readonly allowDirectPromotion?: boolean;
}

export interface PromotionPolicy {
  readonly production?: TargetPolicy;
  readonly staging?: TargetPolicy;
  /** Gates for moving an alias onto a version, e.g. `{ champion: { requireEvaluation: … } }`. */
  readonly aliases?: Readonly<Record<string, TargetPolicy>>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkKeys(where: string, value: Record<string, unknown>, allowed: readonly string[], problems: string[]): void {
  for (const key of Object.keys(value)) if (!allowed.includes(key)) problems.push(`${where}.${key} is not a known field (allowed: ${allowed.join(', ')})`);
}

function validateRequirement(where: string, raw: unknown, problems: string[]): void {
  if (!isObject(raw)) {
    problems.push(`${where} must be an object`);
    return;
  }
  checkKeys(where, raw, ['dataset', 'metric', 'floor', 'compareWithProduction', 'settingsMustMatch'], problems);
  if (typeof raw.dataset !== 'string' || raw.dataset.trim() === '') problems.push(`${where}.dataset must be a non-empty string`);
  if (typeof raw.metric !== 'string' || !HIGHER_IS_BETTER_METRICS.includes(raw.metric)) {
    problems.push(`${where}.metric must be one of ${HIGHER_IS_BETTER_METRICS.join(', ')}`);
  }
  if (raw.floor !== undefined && (typeof raw.floor !== 'number' || !Number.isFinite(raw.floor))) {
    problems.push(`${where}.floor must be a finite number`);
  }
  if (typeof raw.compareWithProduction !== 'boolean') problems.push(`${where}.compareWithProduction must be a boolean`);
  if (!Array.isArray(raw.settingsMustMatch)) {
    problems.push(`${where}.settingsMustMatch must be a list of ${SETTING_KEYS.join(', ')}`);
  } else {
    for (const s of raw.settingsMustMatch) {
      if (!(SETTING_KEYS as readonly unknown[]).includes(s)) problems.push(`${where}.settingsMustMatch: "${String(s)}" is not one of ${SETTING_KEYS.join(', ')}`);
    }
    if (new Set(raw.settingsMustMatch).size !== raw.settingsMustMatch.length) problems.push(`${where}.settingsMustMatch has duplicates`);
  }
}

/** Only PRODUCTION has a time-in-STAGING gate (a version enters STAGING from elsewhere; an alias is stage-agnostic). */
const TARGET_FIELDS = {
  production: ['requireEvaluation', 'minTimeInStagingSeconds', 'allowDirectPromotion'],
  other: ['requireEvaluation'],
} as const;

function validateTarget(where: string, raw: unknown, isProduction: boolean, problems: string[]): void {
  if (!isObject(raw)) {
    problems.push(`${where} must be an object`);
    return;
  }
  const allowed = isProduction ? TARGET_FIELDS.production : TARGET_FIELDS.other;
  checkKeys(where, raw, allowed, problems);
  if (raw.requireEvaluation !== undefined) validateRequirement(`${where}.requireEvaluation`, raw.requireEvaluation, problems);
  const min = raw.minTimeInStagingSeconds;
  if (min !== undefined && (typeof min !== 'number' || !Number.isFinite(min) || min < 0)) {
    problems.push(`${where}.minTimeInStagingSeconds must be a number ≥ 0`);
  }
  if (raw.allowDirectPromotion !== undefined && typeof raw.allowDirectPromotion !== 'boolean') {
    problems.push(`${where}.allowDirectPromotion must be a boolean`);
  }
}

/**
 * Checks a policy as received (JSON from the api) and returns it typed; throws INVALID_POLICY listing every problem.
 */
export function validatePolicy(raw: unknown): PromotionPolicy {
  const problems: string[] = [];
  if (!isObject(raw)) throw new RegistryError('INVALID_POLICY', 'The promotion policy must be an object.', { problems: ['policy must be an object'] });
  checkKeys('policy', raw, ['production', 'staging', 'aliases'], problems);
  if (raw.production !== undefined) validateTarget('production', raw.production, true, problems);
  if (raw.staging !== undefined) validateTarget('staging', raw.staging, false, problems);
  if (raw.aliases !== undefined) {
    if (!isObject(raw.aliases)) problems.push('aliases must be an object keyed by alias name');
    else {
      for (const [alias, target] of Object.entries(raw.aliases)) {
        const aliasProblem = validateAliasName(alias, { throwOnError: false });
        if (aliasProblem) problems.push(`aliases.${alias}: ${aliasProblem}`);
        validateTarget(`aliases.${alias}`, target, false, problems);
      }
    }
  }
  if (problems.length > 0) {
    throw new RegistryError('INVALID_POLICY', `The promotion policy is invalid: ${problems.join('; ')}.`, { problems });
  }
  return raw as PromotionPolicy;
}
