import type { WorkerType } from './dto/worker.type';
import type { WorkerEntity } from './worker.entity';

export function toWorkerType(e: WorkerEntity): WorkerType {
  return {
    id: e.id,
    name: e.name,
    executionProviders: e.executionProviders,
    gpuName: e.gpuName,
    gpuMemoryMb: e.gpuMemoryMb,
    cpuCores: e.cpuCores,
    cpuModel: e.cpuModel,
    version: e.version,
    state: e.state,
    stateChangedAt: e.stateChangedAt === null ? null : new Date(e.stateChangedAt),
    stateChangedBy: e.stateChangedBy,
    stateReason: e.stateReason,
    tokenName: e.tokenName,
    lastHeartbeatAt: new Date(e.lastHeartbeatAt),
    createdAt: new Date(e.createdAt),
  };
}
