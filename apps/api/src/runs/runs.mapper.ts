import type { RunType } from './dto/run.type';
import { type RunEntity, shortIdOf } from './run.entity';

/** Plain fields of a run (what events carry: numbers, no Dates, so they survive a JSON hop through Redis). */
export type RunRecord = Pick<
  RunEntity,
  'id' | 'experimentId' | 'name' | 'kind' | 'status' | 'startTime' | 'endTime' | 'parentRunId' | 'createdBy' | 'lifecycle' | 'nextSequence' | 'metricKeyCount' | 'evaluationDataset'
>;

export function toRunRecord(r: RunEntity): RunRecord {
  return {
    id: r.id,
    experimentId: r.experimentId,
    name: r.name,
    kind: r.kind,
    status: r.status,
    startTime: r.startTime,
    endTime: r.endTime,
    parentRunId: r.parentRunId,
    createdBy: r.createdBy,
    lifecycle: r.lifecycle,
    nextSequence: r.nextSequence,
    metricKeyCount: r.metricKeyCount,
    evaluationDataset: r.evaluationDataset,
  };
}

export function toRunType(r: RunRecord): RunType {
  return {
    id: r.id,
    shortId: shortIdOf(r.id),
    experimentId: r.experimentId,
    name: r.name,
    kind: r.kind,
    status: r.status,
    startTime: new Date(r.startTime),
    endTime: r.endTime === null ? null : new Date(r.endTime),
    parentRunId: r.parentRunId,
    createdBy: r.createdBy,
    deleted: r.lifecycle === 'deleted',
    evaluationDataset: r.evaluationDataset,
    lastSequence: r.nextSequence,
    metricKeyCount: r.metricKeyCount ?? 0,
  };
}
