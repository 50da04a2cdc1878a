// Builds the TypeORM data sources: the SQLite file (WAL, durable commits) by default, PostgreSQL when DATABASE_URL is set.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { POSTGRES_MIGRATIONS } from './migrations/postgres';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';
import { waitFor } from './wait-for-database';

export type Dialect = 'sqlite' | 'postgres';

export function dialectOf(config: Pick<AppConfig, 'databaseUrl'>): Dialect {
  return config.databaseUrl ? 'postgres' : 'sqlite';
}

function sqliteOptions(path: string, readonly: boolean, entities: Function[]): DataSourceOptions {
  return {
    type: 'better-sqlite3',
    database: path,
    entities,
    migrations: readonly ? [] : SQLITE_MIGRATIONS,
    synchronize: false,
    readonly,
    // WAL lets the read connection see only committed data while the writer holds a transaction;
    // synchronous=FULL makes a commit durable before it is acknowledged.
    prepareDatabase: (db: any) => {
      if (!readonly) db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 10000');
      db.pragma('foreign_keys = ON');
    },
  } as DataSourceOptions;
}

export function postgresOptions(url: string, entities: Function[]): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations: POSTGRES_MIGRATIONS,
    synchronize: false,
    extra: { max: 20 },
  };
}

/**
 * The writer (runs the migrations) and a reader; on PostgreSQL both are the same pool, connected after waiting up to
 * `waitSeconds` for a server that is not up yet (database/wait-for-database.ts). `entities`: the feature modules'
 * (app.module.ts APP_FEATURES.entities).
 */
export async function openDataSources(
  config: Pick<AppConfig, 'databaseUrl' | 'sqlitePath'>,
  entities: Function[],
  opts: { waitSeconds?: number } = {},
): Promise<{ writer: DataSource; reader: DataSource }> {
  if (config.databaseUrl) {
    const url = config.databaseUrl;
    const ds = await waitFor(() => new DataSource(postgresOptions(url, entities)).initialize(), { waitSeconds: opts.waitSeconds ?? 0, what: 'PostgreSQL' });
    await migrateUnderLock(ds);
    return { writer: ds, reader: ds };
  }
  mkdirSync(dirname(config.sqlitePath), { recursive: true });
  const writer = new DataSource(sqliteOptions(config.sqlitePath, false, entities));
  await writer.initialize();
  await writer.runMigrations({ transaction: 'each' });
  const reader = new DataSource(sqliteOptions(config.sqlitePath, true, entities));
  await reader.initialize();
  return { writer, reader };
}

/**
 * Runs the pending migrations holding a session advisory lock, so that api replicas starting at once migrate one
 * after the other: the second finds nothing pending instead of creating the same tables (docs/scaled.md).
 */
async function migrateUnderLock(ds: DataSource): Promise<void> {
  const lock = ds.createQueryRunner();
  await lock.connect();
  try {
    await lock.query(`SELECT pg_advisory_lock(hashtextextended('podium.migrations', 0))`);
    try {
      await ds.runMigrations({ transaction: 'each' });
    } finally {
      await lock.query(`SELECT pg_advisory_unlock(hashtextextended('podium.migrations', 0))`);
    }
  } finally {
    await lock.release();
  }
}
