// Helpers for suites that need api tokens: the bootstrap admin's secret and tokens of each role.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestApp } from './test-app';

export const bearer = (secret: string): Record<string, string> => ({ authorization: `Bearer ${secret}` });

/** The secret the app wrote to `<dataDir>/admin-token` on first start. */
export function bootstrapSecret(t: TestApp): string {
  return readFileSync(join(t.podium.config.dataDir, 'admin-token'), 'utf8').trim();
}

/** Creates a token through the api with the bootstrap admin; returns its secret and id. */
export async function createToken(t: TestApp, name: string, role: string, expiresAt?: string): Promise<{ secret: string; id: string }> {
  const { createApiToken } = await t.data(
    'mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { secret token { id } } }',
    { input: { name, role, expiresAt } },
    bearer(bootstrapSecret(t)),
  );
  return { secret: createApiToken.secret, id: createApiToken.token.id };
}
