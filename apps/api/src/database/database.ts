// The one door to the database: reads on the reader, writes in transactions that are serialised on SQLite.
import type { DataSource, EntityManager } from 'typeorm';
import type { Dialect } from './data-source';

export class Database {
  private queue: Promise<unknown> = Promise.resolve();

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
   * Runs `work` in one write transaction. SQLite has one writer connection (TypeORM + better-sqlite3 cannot nest
   * transactions), so write transactions are queued; PostgreSQL runs them concurrently and relies on row locks.
   */
  write<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    if (this.dialect === 'postgres') return this.writer.transaction(work);
    const run = this.queue.then(() => this.writer.transaction(work));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    if (this.reader !== this.writer && this.reader.isInitialized) await this.reader.destroy();
    if (this.writer.isInitialized) await this.writer.destroy();
  }
}
