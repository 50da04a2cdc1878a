// Who calls an MLflow route, with the roles of GraphQL (VIEWER reads, EDITOR writes, ADMIN deletes; WORKER nothing):
// MLflow's client sends MLFLOW_TRACKING_TOKEN as `Bearer pod_…`, or MLFLOW_TRACKING_USERNAME/PASSWORD as Basic, where
// the password is the Podium token. Loopback callers without a token are the local admin exactly as on GraphQL
// (AuthService: local mode, Origin and Host checks). Writes take from the caller's write rate bucket.
import { Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { AuthService } from '../auth/auth.service';
import { OperationLimits } from '../auth/limits/operation-limits';
import { type Identity, Role, roleSatisfies } from '../auth/roles';
import { AppError } from '../common/app-error';

export type MlflowAccess = 'read' | 'write' | 'admin';

const ROLE_OF: Record<MlflowAccess, Role> = { read: Role.VIEWER, write: Role.EDITOR, admin: Role.ADMIN };

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

@Injectable()
export class MlflowAuth {
  constructor(
    private readonly auth: AuthService,
    private readonly limits: OperationLimits,
  ) {}

  /** The caller of `req`, holding the role `access` needs; UNAUTHENTICATED, PERMISSION_DENIED or rate limited otherwise. */
  async caller(req: IncomingMessage, access: MlflowAccess): Promise<Identity> {
    const header = Array.isArray(req.headers.authorization) ? req.headers.authorization[0] : req.headers.authorization;
    const resolved = await this.auth.resolveRequest(req, bearerOf(header));
    const identity = resolved.identity;
    if (!identity) throw new AppError('UNAUTHENTICATED', `Authentication required: ${resolved.problem ?? 'no token'} (MLflow clients: set MLFLOW_TRACKING_TOKEN to a Podium token)`);
    const role = ROLE_OF[access];
    if (!roleSatisfies(identity.role, role)) {
      throw new AppError('FORBIDDEN', `${req.method ?? ''} ${pathOf(req)} requires role ${role}; token "${identity.name}" has role ${identity.role}`.trim());
    }
    if (access !== 'read') await this.limits.takeWrite(identity);
    return identity;
  }
}

function pathOf(req: IncomingMessage): string {
  return ((req as { originalUrl?: string }).originalUrl ?? req.url ?? '').split('?')[0];
}
