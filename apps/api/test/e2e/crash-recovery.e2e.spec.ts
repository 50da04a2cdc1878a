// kill -9 mid-operation, then a restart on the same data directory and database: the fault script
// bench/faults/crash-recovery.ts, run from dist/ as CI runs it, on SQLite and PostgreSQL (a fresh database each).
// It SIGKILLs the api under metric-ingest and artifact load, and again at an artifact replacement held at its commit.
// Needs `npm run build` first (npm test does).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS } from '../support/databases';

const SCRIPT = resolve(__dirname, '../../../../dist/bench/faults/crash-recovery.js');

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

describe.each(DIALECTS)('kill -9 and restart on %s (bench/faults/crash-recovery from dist/)', (dialect) => {
  it('loses no acknowledged batch, stores none in part, serves no byte under a wrong sha256 and leaves no orphan', async (ctx) => {
    if (!existsSync(SCRIPT)) throw new Error(`${SCRIPT} is missing: run \`npm run build\` first`);
    const tdb = await createTestDatabase(dialect);
    if (!tdb) return ctx.skip();
    try {
      const { code, stdout, stderr } = await run([dialect], dialect === 'postgres' ? { DATABASE_URL: tdb.config.databaseUrl! } : {});
      // No report line means the script itself failed: its stderr says why.
      const lines = stdout.trim().split('\n').filter(Boolean);
      expect(lines, `exit ${code}; stderr:\n${stderr}`).toHaveLength(1);
      const report = JSON.parse(lines[0]);
      expect(report.failures).toEqual([]);
      expect(code).toBe(0);
      expect(report).toMatchObject({
        database: dialect,
        halfBatches: 0,
        lostAckedBatches: 0,
        slowCommit: { servedAfterRestart: 'old bytes under the old sha256', uncommittedBlobOnDiskBeforeSweep: true, freshAfterRestart: 404 },
      });
      if (dialect === 'postgres') expect(report.slowCommit.servedDuringCommit).toBe('old bytes under the old sha256');
      // The kill came mid-load: enough was acknowledged for the checks to mean something.
      expect(report.ackedBatches).toBeGreaterThanOrEqual(20);
      expect(report.storedBatches).toBeGreaterThanOrEqual(report.ackedBatches);
      expect(report.replacementsAcked).toBeGreaterThanOrEqual(4);
      expect(report.rowsChecked).toBeGreaterThanOrEqual(6);
    } finally {
      await tdb.drop();
    }
  }, 180_000);
});
