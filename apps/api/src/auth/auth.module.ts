import { Global, Module } from '@nestjs/common';
import { ApiTokenRepository } from './api-token.repository';
import { ApiTokenResolver } from './api-token.resolver';
import { ApiTokenService } from './api-token.service';
import { AuthBootstrap } from './auth-bootstrap';
import { AuthService } from './auth.service';
import { ConnectionRegistry } from './connection-registry';
import { OperationLimits } from './limits/operation-limits';
import { ViewerResolver } from './viewer.resolver';

@Global()
@Module({
  providers: [AuthService, ApiTokenRepository, ApiTokenService, ConnectionRegistry, OperationLimits, AuthBootstrap, ApiTokenResolver, ViewerResolver],
  exports: [AuthService, ApiTokenService, OperationLimits],
})
export class AuthModule {}
