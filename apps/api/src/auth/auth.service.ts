// Who is calling: resolves an Authorization header (HTTP) or connectionParams (graphql-ws) into an Identity.
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { isLoopbackHost } from '../config/app-config';
import { APP_CONFIG } from '../core/core.module';
import { Database } from '../database/database';
import { ApiTokenRepository } from './api-token.repository';
import { type ClosableConnection, ConnectionRegistry } from './connection-registry';
import { type Identity, Role } from './roles';
import { hashesEqual, hashTokenSecret, parseBearer } from './token-secret';

export interface Resolved {
  identity: Identity | null;
  problem?: string;
}

export const LOCAL_ADMIN: Identity = { name: 'local', role: Role.ADMIN };

/** last_used_at is informative: written at most once a minute per token, so reads do not turn into writes. */
const LAST_USED_GRANULARITY_MS = 60_000;

@Injectable()
export class AuthService {
  private readonly lastTouched = new Map<string, number>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Database,
    private readonly tokens: ApiTokenRepository,
    private readonly connections: ConnectionRegistry,
  ) {}

  /**
   * Resolves a bearer header; `remoteAddress` decides the loopback local admin of PODIUM_AUTH=local. A header that is
   * present is always verified, on loopback too. Nothing is cached: a revoked or expired token fails on its next use.
   */
  async resolve(authorization: string | undefined, remoteAddress: string | undefined): Promise<Resolved> {
    if (this.config.authMode === 'disabled') return { identity: LOCAL_ADMIN };
    if (!authorization) {
      if (this.config.authMode === 'local' && remoteAddress && isLoopbackAddress(remoteAddress)) return { identity: LOCAL_ADMIN };
      return { identity: null, problem: 'no Authorization header (expected "Bearer pod_…")' };
    }
    const parsed = parseBearer(authorization);
    if ('problem' in parsed) return { identity: null, problem: parsed.problem };
    return this.verifySecret(parsed.secret);
  }

  async verifySecret(secret: string, now = Date.now()): Promise<Resolved> {
    const hash = hashTokenSecret(secret);
    const row = await this.tokens.findByHash(hash);
    if (!row || !hashesEqual(row.tokenHash, hash)) return { identity: null, problem: 'unknown token' };
    if (row.revokedAt !== null) return { identity: null, problem: `token "${row.name}" was revoked` };
    if (row.expiresAt !== null && row.expiresAt <= now) return { identity: null, problem: `token "${row.name}" expired at ${new Date(row.expiresAt).toISOString()}` };
    this.touch(row.id, now);
    return { identity: { name: row.name, role: row.role, tokenId: row.id, expiresAt: row.expiresAt } };
  }

  /** Remembers an open graphql-ws connection so that revoking its token (or its expiry) closes it. */
  trackConnection(identity: Identity, conn: ClosableConnection): () => void {
    return this.connections.track(identity, conn);
  }

  private touch(id: string, now: number): void {
    const last = this.lastTouched.get(id);
    if (last !== undefined && now - last < LAST_USED_GRANULARITY_MS) return;
    this.lastTouched.set(id, now);
    // Not awaited: the caller's request must not wait behind queued SQLite writes for a bookkeeping column.
    this.db.write((tx) => this.tokens.touchLastUsed(tx, id, now)).catch(() => undefined);
  }
}

export function isLoopbackAddress(address: string): boolean {
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || isLoopbackHost(a);
}
