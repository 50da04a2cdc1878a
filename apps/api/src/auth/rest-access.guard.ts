// The one REST auth check (CONTRIBUTING.md rule 6): the access a route declares (rest-access.ts), closed by default.
// Tokens come as `Bearer pod_…`, or as Basic credentials whose password is the token (MLflow's client); loopback
// callers without a token are the local admin exactly as on GraphQL (AuthService: local mode, Origin and Host checks).
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import { AppError } from '../common/app-error';
import { HOUSE_ERRORS, REST_ERRORS, type RestErrorRenderer } from '../common/rest-errors';
import { AuthService } from './auth.service';
import { OperationLimits } from './limits/operation-limits';
import { admitCaller, REST_ACCESS, REST_WRITE, type RestAccess } from './rest-access';
import { roleSatisfies } from './roles';

/**
 * The Authorization header as AuthService reads it: Basic credentials become `Bearer <password>`; anything else is
 * passed on as it is (AuthService reports what is wrong with it, never echoing a secret).
 */
export function bearerOf(authorization: string | undefined): string | undefined {
  const basic = authorization === undefined ? null : /^\s*Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
  if (!basic) return authorization;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  // An empty password gives AuthService a malformed bearer: "malformed Authorization header".
  return `Bearer ${password}`;
}

const pathOf = (req: IncomingMessage): string => ((req as { originalUrl?: string }).originalUrl ?? req.url ?? '').split('?')[0];

@Injectable()
export class RestAccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly limits: OperationLimits,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const req = ctx.switchToHttp().getRequest<IncomingMessage>();
    const targets = [ctx.getHandler(), ctx.getClass()];
    const access = this.reflector.getAllAndOverride<RestAccess | undefined>(REST_ACCESS, targets);
    if (!access) throw new AppError('FORBIDDEN', `${req.method} ${pathOf(req)} is closed: the route declares no access (@RestRoles or @RestPublic)`);
    if (access.public) return true;
    const header = Array.isArray(req.headers.authorization) ? req.headers.authorization[0] : req.headers.authorization;
    const resolved = await this.auth.resolveRequest(req, bearerOf(header));
    const identity = resolved.identity;
    if (!identity) {
      const hint = (this.reflector.get<RestErrorRenderer | undefined>(REST_ERRORS, ctx.getClass()) ?? HOUSE_ERRORS).authHint;
      throw new AppError('UNAUTHENTICATED', `Authentication required: ${resolved.problem ?? 'no token'}${hint ? ` (${hint})` : ''}`);
    }
    if (!access.roles.some((role) => roleSatisfies(identity.role, role))) {
      throw new AppError('FORBIDDEN', `${req.method} ${pathOf(req)} requires role ${access.roles.join(' or ')}; token "${identity.name}" has role ${identity.role}`);
    }
    if (this.reflector.getAllAndOverride<boolean | undefined>(REST_WRITE, targets)) await this.limits.takeWrite(identity);
    admitCaller(req, identity);
    return true;
  }
}
