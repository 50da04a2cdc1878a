// PODIUM_SHARED_WORKER_TOKEN_FILE: at start the api makes sure the file holds a valid WORKER token's secret, so that
// workers started beside it (docker compose) enrol with PODIUM_WORKER_TOKEN_FILE and no manual step.
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ApiTokenService } from '../auth/api-token.service';
import { AuthService } from '../auth/auth.service';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../core/core.module';
import { SHARED_WORKER_TOKEN_NAME, workerTokenInFile } from './local-worker-token';

@Injectable()
export class SharedWorkerToken implements OnApplicationBootstrap {
  private readonly logger = new Logger('Workers');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tokens: ApiTokenService,
    private readonly auth: AuthService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const path = this.config.sharedWorkerTokenFile;
    if (!path) return;
    const { created } = await workerTokenInFile(path, SHARED_WORKER_TOKEN_NAME, this.tokens, this.auth);
    this.logger.log(`${created ? 'created' : 'kept'} the WORKER api token "${SHARED_WORKER_TOKEN_NAME}"; its secret is in ${path} for workers started with PODIUM_WORKER_TOKEN_FILE`);
  }
}
