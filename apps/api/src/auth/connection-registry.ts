// Open graphql-ws connections by api token, so that revoking (or the expiry of) a token closes its sockets at once:
// on this replica directly, on every other one through the events bus (Redis when REDIS_URL is set, docs/scaled.md).
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { PUB_SUB, type PodiumPubSub } from '../graphql/pubsub';
import { ApiTokenRepository } from './api-token.repository';
import type { Identity } from './roles';

export interface ClosableConnection {
  close(code: number, reason: string): void;
}

/** graphql-ws close code for a connection whose token stopped working (revoked or expired). */
export const TOKEN_GONE_CLOSE_CODE = 4403;
/** The bus topic of a revoked token: each replica closes that token's connections it holds. */
export const TOKEN_REVOKED = 'TOKEN_REVOKED' as const;

export interface TokenRevokedEvent {
  tokenId: string;
}

/** How often open connections are re-checked against the database: catches revocations made by another process
 * that has no bus (the token CLI) or an event lost while Redis was unreachable. */
export const DEFAULT_SWEEP_MS = 5_000;
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Entry {
  conn: ClosableConnection;
  expiryTimer?: NodeJS.Timeout;
}

@Injectable()
export class ConnectionRegistry implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Auth');
  private readonly byToken = new Map<string, Set<Entry>>();
  private sweepTimer?: NodeJS.Timeout;
  private stopped = false;
  private revocations?: AsyncIterator<TokenRevokedEvent>;
  sweepMs = DEFAULT_SWEEP_MS;

  constructor(
    private readonly tokens: ApiTokenRepository,
    @Optional() @Inject(PUB_SUB) private readonly bus?: PodiumPubSub,
  ) {}

  /** Listens for revocations made on any replica. */
  onApplicationBootstrap(): void {
    if (!this.bus) return;
    const revocations = this.bus.subscribe(TOKEN_REVOKED)[Symbol.asyncIterator]();
    this.revocations = revocations;
    void (async () => {
      for (;;) {
        const next = await revocations.next();
        if (next.done) return;
        const closed = this.closeToken(next.value.tokenId, 'token revoked');
        if (closed) this.logger.log(`closed ${closed} graphql-ws connection(s) of a revoked token`);
      }
    })().catch((e: Error) => this.logger.error(`revocation listener stopped: ${e.message}`, e.stack));
  }

  /**
   * After a revocation committed: closes the token's connections here at once, and announces it so that every other
   * replica closes its own (within the bus's latency); returns how many were closed here.
   */
  revoked(tokenId: string): number {
    const closed = this.closeToken(tokenId, 'token revoked');
    this.bus?.publish(TOKEN_REVOKED, { tokenId } satisfies TokenRevokedEvent);
    return closed;
  }

  /** Tracks an open connection of `identity` (only token identities can be revoked); returns its untrack function. */
  track(identity: Identity, conn: ClosableConnection): () => void {
    const tokenId = identity.tokenId;
    if (!tokenId || this.stopped) return () => undefined;
    const entry: Entry = { conn };
    if (identity.expiresAt != null) this.scheduleExpiry(entry, identity.expiresAt);
    let set = this.byToken.get(tokenId);
    if (!set) this.byToken.set(tokenId, (set = new Set()));
    set.add(entry);
    this.ensureSweeping();
    return () => this.forget(tokenId, entry);
  }

  /** Closes every open connection of a token; returns how many were closed. */
  closeToken(tokenId: string, reason: string): number {
    const set = this.byToken.get(tokenId);
    if (!set) return 0;
    const entries = [...set];
    for (const entry of entries) {
      this.forget(tokenId, entry);
      entry.conn.close(TOKEN_GONE_CLOSE_CODE, reason);
    }
    return entries.length;
  }

  openConnections(tokenId: string): number {
    return this.byToken.get(tokenId)?.size ?? 0;
  }

  /** Re-reads the tokens of open connections and closes those revoked, expired or deleted meanwhile. */
  async sweep(now = Date.now()): Promise<void> {
    const ids = [...this.byToken.keys()];
    if (ids.length === 0) return;
    const rows = new Map((await this.tokens.findByIds(ids)).map((r) => [r.id, r]));
    for (const id of ids) {
      const row = rows.get(id);
      if (!row || row.revokedAt !== null) this.closeToken(id, 'token revoked');
      else if (row.expiresAt !== null && row.expiresAt <= now) this.closeToken(id, 'token expired');
    }
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    void this.revocations?.return?.();
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const set of this.byToken.values()) for (const e of set) if (e.expiryTimer) clearTimeout(e.expiryTimer);
    this.byToken.clear();
  }

  private scheduleExpiry(entry: Entry, expiresAt: number): void {
    const delay = Math.max(0, Math.min(expiresAt - Date.now(), MAX_TIMER_MS));
    entry.expiryTimer = setTimeout(() => {
      if (Date.now() < expiresAt) return this.scheduleExpiry(entry, expiresAt);
      for (const [tokenId, set] of this.byToken) {
        if (!set.has(entry)) continue;
        this.forget(tokenId, entry);
        entry.conn.close(TOKEN_GONE_CLOSE_CODE, 'token expired');
      }
    }, delay);
    entry.expiryTimer.unref();
  }

  private forget(tokenId: string, entry: Entry): void {
    if (entry.expiryTimer) clearTimeout(entry.expiryTimer);
    const set = this.byToken.get(tokenId);
    if (!set) return;
    set.delete(entry);
    if (set.size === 0) this.byToken.delete(tokenId);
    if (this.byToken.size === 0 && this.sweepTimer) {
      clearInterval(this.sweepTimer);
      this.sweepTimer = undefined;
    }
  }

  private ensureSweeping(): void {
    if (this.sweepTimer) return;
    this.sweepTimer = setInterval(() => {
      this.sweep().catch((e) => this.logger.warn(`token sweep failed: ${(e as Error).message}`));
    }, this.sweepMs);
    this.sweepTimer.unref();
  }
}
