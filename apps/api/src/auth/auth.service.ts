// Who is calling: resolves an Authorization header (HTTP) or connectionParams (graphql-ws) into an Identity.
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { AppConfig } from '../config/app-config';
import { isLoopbackHost } from '../config/app-config';
import { APP_CONFIG } from '../core/core.module';
import { Database } from '../database/database';
import { ApiTokenRepository } from './api-token.repository';
import { type ClosableConnection, ConnectionRegistry } from './connection-registry';
import { AppError } from '../common/app-error';
import { noteCaller } from '../observability/caller';
import { type Identity, Role, roleSatisfies } from './roles';
import { hashesEqual, hashTokenSecret, parseBearer } from './token-secret';

export interface Resolved {
  identity: Identity | null;
  problem?: string;
}

export const LOCAL_ADMIN: Identity = { name: 'local', role: Role.ADMIN };

/** What a request says about where it comes from: browsers always send Origin, and Host names what they resolved. */
export interface RequestOrigin {
  host?: string;
  origin?: string;
}

/** last_used_at is informative: written at most once a minute per token, so reads do not turn into writes. */
const LAST_USED_GRANULARITY_MS = 60_000;

@Injectable()
export class AuthService {
  private readonly logger = new Logger('Auth');
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
  async resolve(authorization: string | undefined, remoteAddress: string | undefined, from?: RequestOrigin): Promise<Resolved> {
    if (this.config.authMode === 'disabled') return { identity: LOCAL_ADMIN };
    if (!authorization) {
      if (this.config.authMode === 'local' && remoteAddress && isLoopbackAddress(remoteAddress)) {
        const refused = from && this.browserProblem(from);
        return refused ? { identity: null, problem: refused } : { identity: LOCAL_ADMIN };
      }
      return { identity: null, problem: 'no Authorization header (expected "Bearer pod_…")' };
    }
    const parsed = parseBearer(authorization);
    if ('problem' in parsed) return { identity: null, problem: parsed.problem };
    return this.verifySecret(parsed.secret);
  }

  /**
   * resolve() for a whole request (HTTP, or the upgrade request of a graphql-ws connection): the tokenless local admin
   * is also refused to web pages of other sites (Origin) and to DNS-rebound names (Host), which the browser would
   * otherwise let reach a loopback port with the user's machine as the source address.
   */
  async resolveRequest(req: IncomingMessage, authorization: string | undefined = headerValue(req.headers.authorization)): Promise<Resolved> {
    const resolved = await this.resolve(authorization, req.socket.remoteAddress, { host: headerValue(req.headers.host), origin: headerValue(req.headers.origin) });
    noteCaller(req, resolved.identity);
    return resolved;
  }

  /** For REST routes: the caller of `req`, who must hold one of `roles`; else UNAUTHENTICATED / FORBIDDEN naming `what`. */
  async requireRequest(req: IncomingMessage & { method?: string }, roles: Role[], what: string): Promise<Identity> {
    const resolved = await this.resolveRequest(req);
    const identity = resolved.identity;
    if (!identity) throw new AppError('UNAUTHENTICATED', `Authentication required: ${resolved.problem ?? 'no token'}`);
    if (!roles.some((role) => roleSatisfies(identity.role, role))) {
      throw new AppError('FORBIDDEN', `${req.method ?? ''} ${what} requires role ${roles.join(' or ')}; token "${identity.name}" has role ${identity.role}`.trim());
    }
    return identity;
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

  private browserProblem(from: RequestOrigin): string | undefined {
    if (from.host !== undefined && !isLoopbackHostHeader(from.host)) {
      return `Host "${from.host}" is not a loopback name, so the tokenless local admin is refused (DNS rebinding guard): open http://localhost:${this.config.port}/graphql or send a token`;
    }
    const origin = from.origin;
    // Non-browser clients send no Origin; pages of other sites (and sandboxed ones, Origin "null") are refused.
    if (origin !== undefined && !this.trustedOrigin(origin)) {
      return `Origin "${origin}" may not act as the tokenless local admin (allowed: loopback pages and PODIUM_CORS_ORIGINS); send a token`;
    }
    return undefined;
  }

  private trustedOrigin(origin: string): boolean {
    if (this.config.corsOrigins.includes(origin) || this.config.corsOrigins.includes('*')) return true;
    try {
      return isLoopbackHostHeader(new URL(origin).host);
    } catch {
      return false;
    }
  }

  private touch(id: string, now: number): void {
    const last = this.lastTouched.get(id);
    if (last !== undefined && now - last < LAST_USED_GRANULARITY_MS) return;
    this.lastTouched.set(id, now);
    // Not awaited: the caller's request must not wait behind queued SQLite writes for a bookkeeping column.
    this.db.write((tx) => this.tokens.touchLastUsed(tx, id, now)).catch((e: Error) => this.logger.warn(`could not record the last use of token ${id}: ${e.message}`));
  }
}

function headerValue(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h[0] : h;
}

/** `localhost:4000`, `127.0.0.1:4000`, `[::1]:4000` (port optional). */
export function isLoopbackHostHeader(host: string): boolean {
  const name = (host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '')).toLowerCase();
  // A name like "127.0.0.1.attacker.example" starts like a loopback address: only real IPs and localhost count.
  return name === 'localhost' || (isIP(name) !== 0 && isLoopbackAddress(name));
}

export function isLoopbackAddress(address: string): boolean {
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || isLoopbackHost(a);
}
