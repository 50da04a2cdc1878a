// The agent as a Nest provider: starts the job loop once the application context is up; on shutdown it stops
// taking jobs, lets the current batch finish and releases the job (before the pipeline closes its sessions). A worker
// an ADMIN removed exits with REMOVED_EXIT_CODE.
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { WORKER_CONFIG, type WorkerConfig } from '../config/worker-config';
import { PipelineService } from '../pipeline/pipeline.service';
import { AGENT_CONFIG, type AgentConfig } from './agent-config';
import { REMOVED_EXIT_CODE, WorkerAgent } from './agent';

@Injectable()
export class AgentService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('agent');
  readonly agent: WorkerAgent;

  constructor(@Inject(WORKER_CONFIG) config: WorkerConfig, @Inject(AGENT_CONFIG) agentConfig: AgentConfig, pipeline: PipelineService) {
    this.agent = new WorkerAgent(
      {
        apiUrl: config.apiUrl,
        token: config.token,
        name: config.name,
        cacheDir: config.cacheDir,
        deviceId: config.cudaDeviceId,
        executionProvider: config.executionProvider,
        pollSeconds: agentConfig.pollSeconds,
        leaseSeconds: agentConfig.leaseSeconds,
        log: (m) => this.logger.log(m),
      },
      { runEvaluation: (o) => pipeline.runEvaluation(o), probeCapabilities: (d) => pipeline.probeCapabilities(d) },
    );
  }

  onApplicationBootstrap(): void {
    // A token the api refuses will not start working by itself: exit non-zero so a supervisor shows it.
    this.agent.start(
      (error) => {
        this.logger.error(`cannot work for the api: ${error.message}`);
        // Nothing is running yet (registration failed), so there is nothing to release.
        process.exit(1);
      },
      (message) => {
        // Removed by an ADMIN: its job was handed back by the api and the loop has stopped, so nothing is left to
        // finish. A distinct status tells supervisors not to restart it (docs/workers.md).
        this.logger.warn(`removed by an admin: ${message}; exiting with status ${REMOVED_EXIT_CODE}`);
        process.exit(REMOVED_EXIT_CODE);
      },
    );
  }

  // Runs before PipelineService.onApplicationShutdown, which would otherwise abort the job without releasing it.
  async beforeApplicationShutdown(): Promise<void> {
    await this.agent.stop();
  }
}
