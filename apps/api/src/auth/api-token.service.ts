// Token lifecycle: create (the secret is returned once), list, revoke (closing open sockets), bootstrap admin.
import { Injectable, Logger, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { badInput, conflict, notFound } from '../common/app-error';
import { keysetPage, type Page } from '../common/pagination';
import { isUuid } from '../common/uuid';
import { Database } from '../database/database';
import { isUniqueViolation } from '../database/unique-violation';
import { ApiTokenEntity } from './api-token.entity';
import { ApiTokenRepository } from './api-token.repository';
import { ConnectionRegistry } from './connection-registry';
import { TOKEN_NAME_PATTERN, TOKEN_NAME_RULE } from './dto/create-api-token.input';
import { type Identity, Role } from './roles';
import { displayPrefix, generateTokenSecret, hashTokenSecret, writeSecretFile } from './token-secret';

export interface CreateTokenCommand {
  name: string;
  role: Role;
  expiresAt?: Date | null;
}

export interface CreatedToken {
  token: ApiTokenEntity;
  /** The bearer secret: shown once, never stored. */
  secret: string;
}

export const BOOTSTRAP_TOKEN_NAME = 'bootstrap-admin';
export const BOOTSTRAP_TOKEN_FILE = 'admin-token';

@Injectable()
export class ApiTokenService {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly db: Database,
    private readonly tokens: ApiTokenRepository,
    @Optional() private readonly connections?: ConnectionRegistry,
  ) {}

  /** Checks the name itself: the token CLI calls this without createApiToken's input validation. */
  async create(cmd: CreateTokenCommand, actor: Identity | null, now = Date.now()): Promise<CreatedToken> {
    if (!TOKEN_NAME_PATTERN.test(cmd.name)) throw badInput(`${TOKEN_NAME_RULE}, at most 128 characters; got "${cmd.name.slice(0, 140)}"`, { field: 'name' });
    const expiresAt = cmd.expiresAt ? cmd.expiresAt.getTime() : null;
    if (expiresAt !== null && !(expiresAt > now)) throw badInput(`expiresAt must be in the future, got ${cmd.expiresAt!.toISOString()}`, { field: 'expiresAt' });
    const { token, secret } = newToken(cmd.name, cmd.role, actor?.name ?? null, now, expiresAt);
    await this.insertUnique(token);
    return { token, secret };
  }

  list(first: number | null | undefined, after: string | null | undefined, includeRevoked: boolean): Promise<Page<ApiTokenEntity>> {
    return keysetPage(
      first,
      after,
      (a, limit) => this.tokens.list(a, limit, includeRevoked),
      (t) => ({ key: t.createdAt, id: t.id }),
    );
  }

  /** Revokes by id or by name (among active tokens); open graphql-ws connections of the token close after commit. */
  async revoke(by: { id?: string | null; name?: string | null }, actor: Identity | null, now = Date.now()): Promise<ApiTokenEntity> {
    if (!by.id === !by.name) throw badInput('revokeApiToken takes exactly one of id or name');
    const row = await this.db.write(async (tx) => {
      // The CLI passes --id unchecked, and PostgreSQL refuses a malformed uuid with a driver error.
      const found = by.id ? (isUuid(by.id) ? await this.tokens.findById(tx, by.id) : null) : await this.tokens.findActiveByName(tx, by.name!);
      if (!found) throw notFound('api token', (by.id ?? by.name)!);
      if (found.revokedAt !== null) return found;
      await this.tokens.markRevoked(tx, found.id, now, actor?.name ?? 'unknown');
      tx.afterCommit(() => {
        const closed = this.connections?.revoked(found.id) ?? 0;
        if (closed) this.logger.log(`closed ${closed} graphql-ws connection(s) of revoked token "${found.name}"`);
      });
      return Object.assign(found, { revokedAt: now, revokedBy: actor?.name ?? 'unknown' });
    });
    return row;
  }

  /**
   * First start with an empty api_tokens table: creates an ADMIN token and writes it to `<dataDir>/admin-token`
   * (mode 0600). Returns the file's path, or null when tokens already exist (or another replica won the race).
   */
  async bootstrapAdmin(dataDir: string, now = Date.now()): Promise<string | null> {
    const { token, secret } = newToken(BOOTSTRAP_TOKEN_NAME, Role.ADMIN, 'bootstrap', now, null);
    const path = join(dataDir, BOOTSTRAP_TOKEN_FILE);
    try {
      return await this.db.write(async (tx) => {
        if ((await this.tokens.countAll(tx)) > 0) return null;
        await this.tokens.insert(tx, token);
        // Written inside the transaction: if the file cannot be written, no token exists that nobody knows.
        writeSecretFile(path, secret);
        return path;
      });
    } catch (e) {
      if (isUniqueViolation(e)) return null;
      throw e;
    }
  }

  private async insertUnique(row: ApiTokenEntity): Promise<void> {
    const taken = () => conflict(`an active token named "${row.name}" already exists (revoke it first or pick another name)`, { name: row.name });
    try {
      await this.db.write(async (tx) => {
        if (await this.tokens.findActiveByName(tx, row.name)) throw taken();
        await this.tokens.insert(tx, row);
      });
    } catch (e) {
      // Two concurrent creates on PostgreSQL both pass the check; the partial unique index stops the second.
      if (isUniqueViolation(e)) throw taken();
      throw e;
    }
  }
}

/** A new active token row and its secret (only the secret's hash is stored). */
function newToken(name: string, role: Role, createdBy: string | null, now: number, expiresAt: number | null): CreatedToken {
  const secret = generateTokenSecret();
  const token = Object.assign(new ApiTokenEntity(), {
    id: randomUUID(),
    name,
    role,
    tokenHash: hashTokenSecret(secret),
    prefix: displayPrefix(secret),
    createdBy,
    createdAt: now,
    expiresAt,
    revokedAt: null,
    revokedBy: null,
    lastUsedAt: null,
  });
  return { token, secret };
}
