// The registry's stages as a GraphQL enum; the values are @podium/registry's MODEL_STAGES.
import type { ModelStage as LibModelStage } from '@podium/registry';
import { registerEnumType } from 'type-graphql';

export enum ModelStage {
  NONE = 'NONE',
  STAGING = 'STAGING',
  PRODUCTION = 'PRODUCTION',
  ARCHIVED = 'ARCHIVED',
}
registerEnumType(ModelStage, {
  name: 'ModelStage',
  valuesConfig: {
    NONE: { description: 'Registered, not staged.' },
    STAGING: { description: 'Under test.' },
    PRODUCTION: { description: 'Serving (at most one version per model).' },
    ARCHIVED: { description: 'Retired (can go back to STAGING).' },
  },
  description: 'NONE → STAGING → PRODUCTION → ARCHIVED (ARCHIVED → STAGING to roll back). At most one version per model is in PRODUCTION.',
});

// Compile-time check that both lists agree.
const _sameValues: Record<LibModelStage, ModelStage> = { NONE: ModelStage.NONE, STAGING: ModelStage.STAGING, PRODUCTION: ModelStage.PRODUCTION, ARCHIVED: ModelStage.ARCHIVED };
void _sameValues;

export enum TransitionKind {
  STAGE = 'STAGE',
  ALIAS = 'ALIAS',
}
registerEnumType(TransitionKind, {
  name: 'ModelTransitionKind',
  valuesConfig: { STAGE: { description: 'A stage move.' }, ALIAS: { description: 'An alias moved onto a version.' } },
  description: 'STAGE (a stage move) or ALIAS (an alias moved onto a version).',
});
