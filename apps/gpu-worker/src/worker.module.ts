// The worker's Nest application context: config, its helpers (threads and processes, started at boot, stopped at
// shutdown), the evaluation pipeline, and (wired by the agent) the job loop.
import { Module } from '@nestjs/common';
import { AGENT_CONFIG, parseAgentConfig } from './agent/agent-config';
import { AgentService } from './agent/agent.service';
import { parseWorkerConfig, WORKER_CONFIG, type WorkerConfig } from './config/worker-config';
import { PipelineService } from './pipeline/pipeline.service';
import { WorkerThreads } from './threads/worker-threads';

@Module({
  providers: [
    { provide: WORKER_CONFIG, useFactory: () => parseWorkerConfig(process.env) },
    { provide: AGENT_CONFIG, useFactory: () => parseAgentConfig(process.env) },
    { provide: WorkerThreads, useFactory: (config: WorkerConfig) => new WorkerThreads(config.decode), inject: [WORKER_CONFIG] },
    PipelineService,
    AgentService,
  ],
  exports: [WORKER_CONFIG, PipelineService],
})
export class WorkerModule {}
