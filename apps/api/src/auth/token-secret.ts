// Opaque bearer secrets: `pod_` + 32 random bytes (base64url). Only their sha256 is stored; the prefix is for display.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const TOKEN_PREFIX = 'pod_';
const DISPLAY_PREFIX_LENGTH = TOKEN_PREFIX.length + 6;
const SECRET_PATTERN = /^pod_[A-Za-z0-9_-]{43}$/;

export function generateTokenSecret(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** Hex sha256: secrets are 256 random bits, so a fast unsalted hash is enough (no password stretching needed). */
export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The non-secret start of a token (`pod_AbC123`), shown in lists so people can tell their tokens apart. */
export function displayPrefix(secret: string): string {
  return secret.slice(0, DISPLAY_PREFIX_LENGTH);
}

export function hashesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export type BearerParse = { secret: string } | { problem: string };

/** Reads `Bearer pod_…`; the problem never repeats what was sent (it may be a secret pasted in the wrong place). */
export function parseBearer(header: string): BearerParse {
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) return { problem: 'malformed Authorization header (expected "Bearer pod_…")' };
  const secret = match[1];
  if (!SECRET_PATTERN.test(secret)) return { problem: 'malformed token (expected "pod_" followed by 43 base64url characters)' };
  return { secret };
}

/** Writes a secret for this host's own use (bootstrap admin, local worker): owner-only, also when the file existed. */
export function writeSecretFile(path: string, secret: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, secret + '\n', { mode: 0o600 });
  // writeFileSync's mode applies only to a file it creates.
  chmodSync(path, 0o600);
}
