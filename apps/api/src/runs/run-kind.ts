// Run kinds and statuses (the values stored in runs.kind / runs.status), registered as GraphQL enums.
import { registerEnumType } from 'type-graphql';

export enum RunKind {
  TRAINING = 'TRAINING',
  EVALUATION = 'EVALUATION',
}
registerEnumType(RunKind, {
  name: 'RunKind',
  valuesConfig: { TRAINING: { description: 'Logged by a trainer.' }, EVALUATION: { description: 'Records one evaluation job (created by evaluateModel).' } },
  description: 'TRAINING (a trainer logs it) or EVALUATION (records one evaluation job).',
});

export enum RunStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  FINISHED = 'FINISHED',
  FAILED = 'FAILED',
  KILLED = 'KILLED',
}
registerEnumType(RunStatus, {
  name: 'RunStatus',
  valuesConfig: {
    QUEUED: { description: 'Created, not started yet.' },
    RUNNING: { description: 'Logging.' },
    FINISHED: { description: 'Ended normally.' },
    FAILED: { description: 'Ended with an error.' },
    KILLED: { description: 'Stopped on purpose.' },
  },
  description: 'QUEUED → RUNNING → FINISHED | FAILED | KILLED (QUEUED may also end FAILED or KILLED).',
});
