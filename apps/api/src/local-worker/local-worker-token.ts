// WORKER tokens whose secret the api keeps in a file (mode 0600): the embedded worker's (<dataDir>/local-worker-token)
// and, with PODIUM_SHARED_WORKER_TOKEN_FILE, one for workers started beside the api that read the file (docker
// compose's shared volume). Reused while the secret in the file is still valid, else the old token is revoked and a
// new one created. Secrets are stored hashed, so the file is the only way to reuse one across restarts.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../common/app-error';
import type { ApiTokenService } from '../auth/api-token.service';
import type { AuthService } from '../auth/auth.service';
import { Role } from '../auth/roles';
import { writeSecretFile } from '../auth/token-secret';

export const LOCAL_WORKER_NAME = 'local-worker';
export const LOCAL_WORKER_TOKEN_FILE = 'local-worker-token';
/** The token behind PODIUM_SHARED_WORKER_TOKEN_FILE. */
export const SHARED_WORKER_TOKEN_NAME = 'shared-worker';

const SYSTEM_ACTOR = { name: 'system', role: Role.ADMIN };

/** The secret of the WORKER token `name`, kept in `path`. */
export async function workerTokenInFile(path: string, name: string, tokens: ApiTokenService, auth: AuthService): Promise<{ secret: string; created: boolean }> {
  if (existsSync(path)) {
    const secret = readFileSync(path, 'utf8').trim();
    const { identity } = await auth.verifySecret(secret);
    if (identity?.name === name && identity.role === Role.WORKER) return { secret, created: false };
  }
  try {
    await tokens.revoke({ name }, SYSTEM_ACTOR);
  } catch (e) {
    if (!(e instanceof AppError && e.code === 'NOT_FOUND')) throw e;
  }
  const { secret } = await tokens.create({ name, role: Role.WORKER }, SYSTEM_ACTOR);
  writeSecretFile(path, secret);
  return { secret, created: true };
}

export function localWorkerToken(dataDir: string, tokens: ApiTokenService, auth: AuthService): Promise<{ secret: string; created: boolean }> {
  return workerTokenInFile(join(dataDir, LOCAL_WORKER_TOKEN_FILE), LOCAL_WORKER_NAME, tokens, auth);
}
