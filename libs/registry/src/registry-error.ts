// Typed errors of the registry rules; the api maps `code` once to a GraphQL `extensions.code` (see EDGE_CODE_OF).
import type { GateResult } from './gate-types';

export type RegistryErrorCode =
  'MODEL_NOT_FOUND' | 'VERSION_NOT_FOUND' | 'ILLEGAL_TRANSITION' | 'DECISION_REQUIRED' | 'GATE_UNMET' | 'VERSION_CONFLICT' | 'ALIAS_INVALID' | 'INVALID_POLICY' | 'INVALID_INPUT';

/** The edge code each registry code maps to (CONTRIBUTING.md rule 6); the api keeps the one mapping, this is its table. */
export const EDGE_CODE_OF: Readonly<Record<RegistryErrorCode, 'NOT_FOUND' | 'BAD_USER_INPUT' | 'CONFLICT' | 'FAILED_PRECONDITION'>> = {
  MODEL_NOT_FOUND: 'NOT_FOUND',
  VERSION_NOT_FOUND: 'NOT_FOUND',
  ILLEGAL_TRANSITION: 'FAILED_PRECONDITION',
  DECISION_REQUIRED: 'BAD_USER_INPUT',
  GATE_UNMET: 'FAILED_PRECONDITION',
  VERSION_CONFLICT: 'CONFLICT',
  ALIAS_INVALID: 'BAD_USER_INPUT',
  INVALID_POLICY: 'BAD_USER_INPUT',
  INVALID_INPUT: 'BAD_USER_INPUT',
};

export interface RegistryErrorDetails {
  /** For GATE_UNMET: every gate that failed, with the evidence that was seen. */
  readonly unmetGates?: readonly GateResult[];
  /** For VERSION_CONFLICT: what the caller expected and what holds the place now. */
  readonly expectedVersion?: number | null;
  readonly actualVersion?: number | null;
  /** For INVALID_POLICY / INVALID_INPUT: every problem found, not just the first. */
  readonly problems?: readonly string[];
}

export class RegistryError extends Error {
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    readonly details: RegistryErrorDetails = {},
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}
