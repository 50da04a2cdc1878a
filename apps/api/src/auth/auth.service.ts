// Who is calling: resolves an Authorization header (HTTP) or connectionParams (graphql-ws) into an Identity.
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { isLoopbackHost } from '../config/app-config';
import { APP_CONFIG } from '../core/core.module';
import { type Identity, Role } from './roles';

export interface Resolved {
  identity: Identity | null;
  problem?: string;
}

export const LOCAL_ADMIN: Identity = { name: 'local', role: Role.ADMIN };

@Injectable()
export class AuthService {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Resolves a bearer header; `remoteAddress` decides the loopback local-admin of PODIUM_AUTH=local. */
  async resolve(authorization: string | undefined, remoteAddress: string | undefined): Promise<Resolved> {
    if (this.config.authMode === 'disabled') return { identity: LOCAL_ADMIN };
    if (!authorization) {
      if (this.config.authMode === 'local' && remoteAddress && isLoopbackAddress(remoteAddress)) return { identity: LOCAL_ADMIN };
      return { identity: null, problem: 'no Authorization header (expected "Bearer pod_…")' };
    }
    // Token verification lands with the auth feature; until then tokens are not accepted.
    return { identity: null, problem: 'unknown token' };
  }
}

export function isLoopbackAddress(address: string): boolean {
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || isLoopbackHost(a);
}
