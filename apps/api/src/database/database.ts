// The one door to the database: reads on the reader, writes in units of work (a transaction whose afterCommit hooks
// run once it has committed), serialised on SQLite.
import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { Dialect } from './data-source';

/** Work to run once the transaction has committed (publish an event, count, write a file); never on rollback. */
export type AfterCommitHook = () => void | Promise<void>;

/**
 * A write transaction: the EntityManager the repositories take, plus `afterCommit`. Every event is published through
 * it (CONTRIBUTING.md rule 3 and 7), so nothing is ever seen for a write that rolled back, and hooks run in the order
 * they were registered, transaction after transaction in commit order.
 */
export interface UnitOfWork extends EntityManager {
  afterCommit(hook: AfterCommitHook): void;
}

export class Database {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly logger = new Logger('Database');

  constructor(
    readonly writer: DataSource,
    readonly reader: DataSource,
    readonly dialect: Dialect,
  ) {}

  /** Manager for reads: on SQLite a separate connection that sees committed data only. */
  get read(): EntityManager {
    return this.reader.manager;
  }

  /**
   * Runs `work` in one unit of work and resolves once it has committed and its afterCommit hooks have run (each awaited
   * in turn; a failing hook is logged, the commit stands). With `outer`, `work` joins that unit of work instead: its
   * writes commit with the outer ones, and its hooks run after the outer commit, in order with the outer's.
   * SQLite has one writer connection (TypeORM + better-sqlite3 cannot nest transactions), so write transactions are
   * queued; PostgreSQL runs them concurrently and relies on row locks. Hooks run after the queue moves on, so a hook
   * may write again.
   */
  async write<T>(work: (tx: UnitOfWork) => Promise<T>, outer?: UnitOfWork): Promise<T> {
    if (outer) return work(outer);
    const hooks: AfterCommitHook[] = [];
    const transaction = () =>
      this.writer.transaction((manager) => {
        const uow = Object.assign(manager, { afterCommit: (hook: AfterCommitHook) => void hooks.push(hook) });
        return work(uow);
      });
    let result: T;
    if (this.dialect === 'postgres') result = await transaction();
    else {
      const run = this.queue.then(transaction);
      this.queue = run.catch(() => undefined);
      result = await run;
    }
    for (const hook of hooks) {
      try {
        await hook();
      } catch (e) {
        this.logger.error(`after commit: ${(e as Error).message}`, (e as Error).stack);
      }
    }
    return result;
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    if (this.reader !== this.writer && this.reader.isInitialized) await this.reader.destroy();
    if (this.writer.isInitialized) await this.writer.destroy();
  }
}
