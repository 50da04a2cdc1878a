// Run kinds and statuses (the values stored in runs.kind / runs.status), registered as GraphQL enums.
import { registerEnumType } from 'type-graphql';

export enum RunKind {
  TRAINING = 'TRAINING',
  EVALUATION = 'EVALUATION',
}
registerEnumType(RunKind, { name: 'RunKind', description: 'TRAINING (a trainer logs it) or EVALUATION (records one evaluation job).' });

export enum RunStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  FINISHED = 'FINISHED',
  FAILED = 'FAILED',
  KILLED = 'KILLED',
}
registerEnumType(RunStatus, { name: 'RunStatus', description: 'QUEUED → RUNNING → FINISHED | FAILED | KILLED (QUEUED may also end FAILED or KILLED).' });
