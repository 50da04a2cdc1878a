// Entry point of the GPU worker: a Nest application context (no HTTP server) that runs until SIGTERM/SIGINT, then
// lets the current batch finish, closes its sessions and exits 0.
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WORKER_CONFIG, type WorkerConfig } from './config/worker-config';
import { relaunchWithThreadPool } from './thread-pool-size';
import { PipelineService } from './pipeline/pipeline.service';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  const logger = new Logger('gpu-worker');
  const app = await NestFactory.createApplicationContext(WorkerModule, { logger: ['log', 'warn', 'error'] });
  const config = app.get<WorkerConfig>(WORKER_CONFIG);
  const capabilities = await app.get(PipelineService).probeCapabilities();
  logger.log(`worker ${config.name}: providers ${capabilities.executionProviders.join(', ')}${capabilities.gpuName ? ` on ${capabilities.gpuName}` : ''}; api ${config.apiUrl}`);
  if (capabilities.cudaUnavailableReason) logger.log(`CUDA not used: ${capabilities.cudaUnavailableReason}`);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal}: finishing the current batch and closing`);
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
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
