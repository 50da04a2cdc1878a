// Embedded default: one gpu-worker beside the api (`npm start`), with a WORKER token made for it, pointed at the
// api's own URL once the server listens, and stopped when the api closes.
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { ApiTokenService } from '../auth/api-token.service';
import { AuthService } from '../auth/auth.service';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../core/core.module';
import { LOCAL_WORKER_NAME, localWorkerToken } from './local-worker-token';
import { forwardWorkerLine } from './worker-log';
import { WorkerProcess } from './worker-process';

/** The compiled worker, found from this file in dist/ (npm start) or src/ (the repository's dist/ beside it). */
export function findWorkerMain(from: string = __dirname): string | undefined {
  const candidates = [resolve(from, '../../../gpu-worker/src/main.js')];
  for (let dir = from, i = 0; i < 8; i++, dir = dirname(dir)) candidates.push(join(dir, 'dist', 'apps', 'gpu-worker', 'src', 'main.js'));
  return candidates.find((p) => existsSync(p));
}

/** An address the worker can reach: the wildcard binds become loopback. */
export function localApiUrl(address: AddressInfo): string {
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const host = wildcard ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

@Injectable()
export class LocalWorkerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('LocalWorker');
  private worker?: WorkerProcess;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
    private readonly tokens: ApiTokenService,
    private readonly auth: AuthService,
  ) {}

  // Runs in app.init(), before listen: the child is spawned on the server's 'listening' event, when the URL is known.
  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.localWorker) return;
    const mainPath = findWorkerMain();
    if (!mainPath) {
      this.logger.warn('local worker not started: dist/apps/gpu-worker/src/main.js not found (run `npm run build`)');
      return;
    }
    const { secret, created } = await localWorkerToken(this.config.dataDir, this.tokens, this.auth);
    if (created) this.logger.log(`created the WORKER api token "${LOCAL_WORKER_NAME}" for the local worker`);
    const server = this.adapterHost.httpAdapter.getHttpServer();
    server.once('listening', () => {
      const apiUrl = localApiUrl(server.address() as AddressInfo);
      this.worker = new WorkerProcess({
        mainPath,
        cwd: resolve(dirname(mainPath), '../../../..'),
        // The child inherits the environment (PATH, CUDA libraries, PODIUM_EXECUTION_PROVIDER, …); the api decides
        // where it connects, as whom, and where it caches.
        env: {
          ...process.env,
          PODIUM_API_URL: apiUrl,
          PODIUM_WORKER_TOKEN: secret,
          PODIUM_WORKER_NAME: LOCAL_WORKER_NAME,
          PODIUM_WORKER_CACHE_DIR: join(this.config.dataDir, 'worker-cache'),
          // Its lines come back as JSON and go out through the api's logger at the api's level (worker-log.ts).
          LOG_LEVEL: this.config.logLevel,
          LOG_FORMAT: 'json',
        },
        log: (l) => this.logger.log(l),
        error: (l) => this.logger.warn(l),
        output: (line, stream) => forwardWorkerLine(this.logger, line, stream, this.worker?.pid),
      });
      this.worker.start();
      this.logger.log(`local worker started (pid ${this.worker.pid}) against ${apiUrl}`);
    });
  }

  /** The running child's pid (undefined before listen or when the worker is off). */
  get workerPid(): number | undefined {
    return this.worker?.pid;
  }

  /** Stops the child (SIGTERM: it finishes its batch and releases its job); called while GraphQL still runs. */
  async stop(): Promise<void> {
    await this.worker?.stop();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }
}
