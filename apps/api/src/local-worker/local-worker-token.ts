// The embedded worker's WORKER token: reused while its secret (kept in <dataDir>/local-worker-token, mode 0600) is
// still valid, else the old one is revoked and a new one created. Secrets are stored hashed, so the file is the only
// way to reuse one across restarts.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../common/app-error';
import type { ApiTokenService } from '../auth/api-token.service';
import type { AuthService } from '../auth/auth.service';
import { Role } from '../auth/roles';
import { writeSecretFile } from '../auth/token-secret';

export const LOCAL_WORKER_NAME = 'local-worker';
export const LOCAL_WORKER_TOKEN_FILE = 'local-worker-token';

const SYSTEM_ACTOR = { name: 'system', role: Role.ADMIN };

export async function localWorkerToken(dataDir: string, tokens: ApiTokenService, auth: AuthService): Promise<{ secret: string; created: boolean }> {
  const path = join(dataDir, LOCAL_WORKER_TOKEN_FILE);
  if (existsSync(path)) {
    const secret = readFileSync(path, 'utf8').trim();
    const { identity } = await auth.verifySecret(secret);
    if (identity?.name === LOCAL_WORKER_NAME && identity.role === Role.WORKER) return { secret, created: false };
  }
  try {
    await tokens.revoke({ name: LOCAL_WORKER_NAME }, SYSTEM_ACTOR);
  } catch (e) {
    if (!(e instanceof AppError && e.code === 'NOT_FOUND')) throw e;
  }
  const { secret } = await tokens.create({ name: LOCAL_WORKER_NAME, role: Role.WORKER }, SYSTEM_ACTOR);
  writeSecretFile(path, secret);
  return { secret, created: true };
}
