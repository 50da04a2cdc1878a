// Alias names (`champion`, `challenger`, …) and how moving one plans out: unique per model, so a move takes it away.
import { RegistryError } from './registry-error';
import type { RegisteredModelSnapshot } from './snapshots';

export const ALIAS_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;

/** `latest` and `v<number>` are refused: MLflow resolves them itself (`models:/name@latest`, version numbers). */
const RESERVED = (alias: string): boolean => alias === 'latest' || /^v\d+$/.test(alias);

/**
 * Returns null when the name is valid, else the reason; throws ALIAS_INVALID unless `throwOnError` is false.
 */
export function validateAliasName(alias: string, options: { throwOnError?: boolean } = {}): string | null {
  let problem: string | null = null;
  if (typeof alias !== 'string' || !ALIAS_PATTERN.test(alias)) {
    problem = `alias "${String(alias)}" must match ${ALIAS_PATTERN.source} (lower case, starting with a letter, at most 64 characters)`;
  } else if (RESERVED(alias)) {
    problem = `alias "${alias}" is reserved`;
  }
  if (problem && options.throwOnError !== false) throw new RegistryError('ALIAS_INVALID', `Invalid alias: ${problem}.`);
  return problem;
}

/** Which version holds the alias now (null when none). */
export function aliasHolder(model: RegisteredModelSnapshot, alias: string): number | null {
  return model.versions.find((v) => v.aliases.includes(alias))?.version ?? null;
}

export interface AliasUpdate {
  readonly alias: string;
  /** The version that loses the alias (null when nobody held it). */
  readonly fromVersion: number | null;
  /** The version that gains it (null when the alias is removed). */
  readonly toVersion: number | null;
}
