// The databases every medium and e2e suite runs against: a fresh SQLite file and a fresh PostgreSQL database.
// PostgreSQL suites skip when no server answers, unless PODIUM_REQUIRE_POSTGRES=1 (CI), where they fail instead.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { AppConfig } from '../../src/config/app-config';
import { dialectOf, openDataSources } from '../../src/database/data-source';
import { Database } from '../../src/database/database';
import { APP_FEATURES } from '../../src/app.module';

export type TestDialect = 'sqlite' | 'postgres';

export const POSTGRES_URL = process.env.PODIUM_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REQUIRE_POSTGRES = process.env.PODIUM_REQUIRE_POSTGRES === '1';

let pgAvailable: boolean | undefined;
async function postgresAvailable(): Promise<boolean> {
  if (pgAvailable !== undefined) return pgAvailable;
  const c = new Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('select 1');
    pgAvailable = true;
  } catch (e) {
    if (REQUIRE_POSTGRES) throw new Error(`PostgreSQL required (PODIUM_REQUIRE_POSTGRES=1) but not reachable at ${POSTGRES_URL}: ${(e as Error).message}`);
    pgAvailable = false;
  } finally {
    await c.end().catch(() => undefined);
  }
  return pgAvailable;
}

/** Dialects to run: both, or sqlite alone when PostgreSQL is absent and not required. Use with describe.each. */
export const DIALECTS: TestDialect[] = ['sqlite', 'postgres'];

export interface TestDatabase {
  dialect: TestDialect;
  /** Config fragment: databaseUrl (postgres) or sqlitePath (sqlite), and a private dataDir. */
  config: Pick<AppConfig, 'databaseUrl' | 'sqlitePath' | 'dataDir'>;
  drop(): Promise<void>;
}

/**
 * A fresh database for one suite: a temp SQLite file, or a new PostgreSQL database created from the test one.
 * Returns undefined when the dialect is unavailable (postgres without a server and not required): skip then.
 */
export async function createTestDatabase(dialect: TestDialect): Promise<TestDatabase | undefined> {
  const dataDir = mkdtempSync(join(tmpdir(), 'podium-test-'));
  if (dialect === 'sqlite') {
    return {
      dialect,
      config: { dataDir, sqlitePath: join(dataDir, 'podium.sqlite'), databaseUrl: undefined },
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  if (!(await postgresAvailable())) return undefined;
  const name = `podium_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    dialect,
    config: { dataDir, sqlitePath: join(dataDir, 'unused.sqlite'), databaseUrl: url.toString() },
    drop: async () => {
      const c = new Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The app's Database (writer and reader through the migrations) over a suite's test database config. */
export async function openDatabase(config: TestDatabase['config']): Promise<Database> {
  const { writer, reader } = await openDataSources(config, APP_FEATURES.entities);
  return new Database(writer, reader, dialectOf(config));
}
