// Entity → GraphQL type: drops the hash, turns epoch ms into dates and derives the status at `now`.
import type { ApiTokenEntity } from './api-token.entity';
import { type ApiToken, ApiTokenStatus } from './dto/api-token.type';

const date = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

export function toApiToken(row: ApiTokenEntity, now = Date.now()): ApiToken {
  const status = row.revokedAt !== null ? ApiTokenStatus.REVOKED : row.expiresAt !== null && row.expiresAt <= now ? ApiTokenStatus.EXPIRED : ApiTokenStatus.ACTIVE;
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.prefix,
    status,
    createdBy: row.createdBy,
    createdAt: new Date(row.createdAt),
    expiresAt: date(row.expiresAt),
    revokedAt: date(row.revokedAt),
    revokedBy: row.revokedBy,
    lastUsedAt: date(row.lastUsedAt),
  };
}
