// GET /readyz's checks: the database answers and every migration this build knows is applied (on SQLite also: the
// file at the configured path is still the one opened — a moved or deleted file keeps answering from its old inode
// while nothing it writes survives a restart), Redis answers when configured, and the artifact store takes a write.
// Bodies name each check with a short reason and never carry data; details go to the log when a check changes.
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { stat } from 'node:fs/promises';
import { ArtifactStore } from '../artifacts/artifact-store';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../core/core.module';
import { Database } from '../database/database';
import { withTimeout } from './with-timeout';

export interface CheckResult {
  ok: boolean;
  /** A short reason when not ok: an error code or a phrase, never a message that could carry a host or a name. */
  error?: string;
  ms: number;
}

export interface ReadinessReport {
  status: 'ready' | 'unavailable' | 'shutting-down';
  checks: Record<string, CheckResult>;
}

const CHECK_TIMEOUT_MS = 3000;

class CheckFailed extends Error {}

/** What a failure may say in a public body: a code (ECONNREFUSED, 57P03, EROFS) or one of our phrases. */
function reasonOf(e: unknown): string {
  if (e instanceof CheckFailed) return e.message;
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string' && /^[A-Z0-9_]{2,32}$/.test(code)) return code;
  return 'unreachable';
}

@Injectable()
export class Readiness implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Readiness');
  private sqliteFile?: { dev: number; ino: number };
  private redis?: Redis;
  private stopping = false;
  private readonly lastProblem = new Map<string, string>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Database,
    private readonly store: ArtifactStore,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.db.dialect === 'sqlite') {
      const st = await stat(this.config.sqlitePath);
      this.sqliteFile = { dev: st.dev, ino: st.ino };
    }
    if (this.config.redisUrl) {
      // Its own connection: the bus's clients reconnect in the background, and a ping through them would queue.
      this.redis = new Redis(this.config.redisUrl, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: (n) => Math.min(n * 500, 5000) });
      this.redis.on('error', () => undefined);
      this.redis.connect().catch(() => undefined);
    }
  }

  /** From the start of shutdown on, /readyz answers 503 so that load balancers stop sending requests. */
  beginShutdown(): void {
    this.stopping = true;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.redis?.disconnect();
  }

  async report(): Promise<ReadinessReport> {
    if (this.stopping) return { status: 'shutting-down', checks: {} };
    const checks: Record<string, () => Promise<void>> = { database: () => this.database(), migrations: () => this.migrations() };
    if (this.redis) checks.redis = () => this.ping();
    checks.artifacts = () => this.store.probeWritable();
    const results = await Promise.all(Object.entries(checks).map(async ([name, run]) => [name, await this.run(name, run)] as const));
    const all = Object.fromEntries(results);
    return { status: results.every(([, r]) => r.ok) ? 'ready' : 'unavailable', checks: all };
  }

  private async run(name: string, check: () => Promise<void>): Promise<CheckResult> {
    const started = performance.now();
    try {
      await withTimeout(check(), CHECK_TIMEOUT_MS, `${name} check timed out`);
      if (this.lastProblem.delete(name)) this.logger.log(`${name}: ok again`);
      return { ok: true, ms: Math.round(performance.now() - started) };
    } catch (e) {
      const error = /timed out/.test((e as Error).message) && !(e instanceof CheckFailed) ? 'timeout' : reasonOf(e);
      const detail = (e as Error).message ?? String(e);
      if (this.lastProblem.get(name) !== detail) this.logger.warn(`${name}: not ready (${detail})`);
      this.lastProblem.set(name, detail);
      return { ok: false, error, ms: Math.round(performance.now() - started) };
    }
  }

  private async database(): Promise<void> {
    // On SQLite the reader: the writer's one connection may be inside another caller's transaction.
    await this.db.reader.query('SELECT 1');
    if (!this.sqliteFile) return;
    const st = await stat(this.config.sqlitePath).catch(() => undefined);
    if (!st || st.ino !== this.sqliteFile.ino || st.dev !== this.sqliteFile.dev) throw new CheckFailed('database file moved or replaced');
  }

  private async migrations(): Promise<void> {
    const known = this.db.writer.migrations.map((m) => m.name).filter((n): n is string => !!n);
    const table = this.db.writer.options.migrationsTableName ?? 'migrations';
    const rows: { name: string }[] = await this.db.reader.query(`SELECT name FROM ${table}`);
    const applied = new Set(rows.map((r) => r.name));
    const pending = known.filter((n) => !applied.has(n)).length;
    if (pending) throw new CheckFailed(`${pending} migrations pending`);
  }

  private async ping(): Promise<void> {
    await this.redis!.ping();
  }
}
