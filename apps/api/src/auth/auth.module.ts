import { Global } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiTokenRepository } from './api-token.repository';
import { ApiTokenResolver } from './api-token.resolver';
import { ApiTokenService } from './api-token.service';
import { AuthBootstrap } from './auth-bootstrap';
import { AuthService } from './auth.service';
import { ConnectionRegistry } from './connection-registry';
import { OperationLimits } from './limits/operation-limits';
import { RestAccessGuard } from './rest-access.guard';
import { ViewerResolver } from './viewer.resolver';
import { FeatureModule } from '../core/feature-module';
import { ApiTokenEntity } from './api-token.entity';

@Global()
@FeatureModule({
  resolvers: [ApiTokenResolver, ViewerResolver],
  entities: [ApiTokenEntity],
  providers: [
    AuthService,
    ApiTokenRepository,
    ApiTokenService,
    ConnectionRegistry,
    OperationLimits,
    AuthBootstrap,
    // Every REST route of every module: closed unless it declares @RestRoles or @RestPublic (rest-access.ts).
    { provide: APP_GUARD, useClass: RestAccessGuard },
  ],
  exports: [AuthService, ApiTokenService, OperationLimits],
})
export class AuthModule {}
