// The worker's Nest application context: config, the evaluation pipeline, and (wired by the agent) the job loop.
import { Module } from '@nestjs/common';
import { AGENT_CONFIG, parseAgentConfig } from './agent/agent-config';
import { AgentService } from './agent/agent.service';
import { parseWorkerConfig, WORKER_CONFIG } from './config/worker-config';
import { PipelineService } from './pipeline/pipeline.service';

@Module({
  providers: [
    { provide: WORKER_CONFIG, useFactory: () => parseWorkerConfig(process.env) },
    { provide: AGENT_CONFIG, useFactory: () => parseAgentConfig(process.env) },
    PipelineService,
    AgentService,
  ],
  exports: [WORKER_CONFIG, PipelineService],
})
export class WorkerModule {}
