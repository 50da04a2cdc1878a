// At boot: the first-start admin token (empty api_tokens table) and a loud warning when auth is disabled.
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { isLoopbackHost } from '../config/app-config';
import { APP_CONFIG } from '../core/core.module';
import { ApiTokenService } from './api-token.service';

@Injectable()
export class AuthBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tokens: ApiTokenService,
  ) {}

  // A Nest lifecycle hook rather than a STARTUP_HOOK: it runs in app.init(), before listen, without auth/ importing
  // app.factory (which imports the app module, which imports this one).
  async onApplicationBootstrap(): Promise<void> {
    const path = await this.tokens.bootstrapAdmin(this.config.dataDir);
    if (path) this.logger.log(`first start: created the ADMIN api token "bootstrap-admin"; its secret is in ${path} (mode 0600). Use it as "Authorization: Bearer <secret>".`);
    if (this.config.authMode === 'disabled') {
      const banner = '!'.repeat(100);
      this.logger.warn(
        `\n${banner}\n!! PODIUM_AUTH=disabled: EVERY request is treated as ADMIN, without a token, from any address (bound to ${this.config.host}).\n!! Anyone who can reach this port can read, change and delete everything. Use PODIUM_AUTH=token (or local on loopback).\n${banner}`,
      );
    } else if (this.config.authMode === 'local' && !isLoopbackHost(this.config.host)) {
      this.logger.warn(`PODIUM_AUTH=local while bound to ${this.config.host}: requests without a token from loopback (including a reverse proxy on this host) are ADMIN; others need a token.`);
    }
  }
}
