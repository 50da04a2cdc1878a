// Entry point of the GPU worker: a Nest application context (no HTTP server) that runs until SIGTERM/SIGINT, then
// lets the current batch finish, hands its job back, closes its sessions and exits 0. Logs are pino JSON lines (pretty
// on a terminal) at LOG_LEVEL, each carrying the running job's id and attempt; PODIUM_WORKER_HEALTH_PORT serves
// /healthz, /readyz and /metrics (observability/health-server.ts).
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createLogger, NestPinoLogger } from '@podium/logging';
import { AgentService } from './agent/agent.service';
import { parseWorkerConfig, WORKER_CONFIG, type WorkerConfig, WorkerConfigError } from './config/worker-config';
import { WorkerHealthServer, type WorkerState } from './observability/health-server';
import { jobLogFields } from './observability/job-context';
import { workerMetrics } from './observability/worker-metrics';
import { PipelineService } from './pipeline/pipeline.service';
import { relaunchWithThreadPool } from './thread-pool-size';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  let parsed: WorkerConfig;
  try {
    parsed = parseWorkerConfig(process.env);
  } catch (e) {
    if (e instanceof WorkerConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const pino = createLogger({ name: 'podium-worker', level: parsed.logLevel, format: parsed.logFormat, mixin: jobLogFields });
  const logger = new Logger('gpu-worker');
  const app = await NestFactory.createApplicationContext(WorkerModule, { logger: new NestPinoLogger(pino) });
  const config = app.get<WorkerConfig>(WORKER_CONFIG);
  const capabilities = await app.get(PipelineService).probeCapabilities();
  workerMetrics.available(capabilities.executionProviders);
  logger.log(`worker ${config.name}: providers ${capabilities.executionProviders.join(', ')}${capabilities.gpuName ? ` on ${capabilities.gpuName}` : ''}; api ${config.apiUrl}`);
  if (capabilities.cudaUnavailableReason) logger.log(`CUDA not used: ${capabilities.cudaUnavailableReason}`);

  const agent = app.get(AgentService).agent;
  const state: WorkerState = { providers: capabilities.executionProviders, stopping: false, draining: false };
  void agent.ready().then((id) => (state.workerId = id));
  const health = new WorkerHealthServer(() => ({ ...state, draining: agent.draining, removed: agent.removed }));
  if (config.healthPort !== undefined) {
    const address = await health.listen(config.healthPort, config.healthHost);
    logger.log(`health and metrics on http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port} (/healthz, /readyz, /metrics)`);
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    // A second signal (Ctrl-C reaches the whole process group and is forwarded as well) changes nothing.
    if (closing) return;
    closing = true;
    state.stopping = true;
    logger.log(`${signal}: finishing the current batch, handing back the job and closing`);
    await app.close();
    await health.close();
    logger.log('worker stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  await app.init();
  // Nest keeps no handle open in an application context: hold the process until a signal arrives.
  setInterval(() => undefined, 1 << 30);
}

if (!relaunchWithThreadPool()) {
  bootstrap().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
