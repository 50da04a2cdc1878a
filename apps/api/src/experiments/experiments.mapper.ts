import type { ExperimentType } from './dto/experiment.type';
import type { ExperimentEntity } from './experiment.entity';

export function toExperimentType(e: ExperimentEntity): ExperimentType {
  return {
    id: e.id,
    name: e.name,
    description: e.description,
    tags: e.tags ?? [],
    deleted: e.lifecycle === 'deleted',
    createdBy: e.createdBy,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}
