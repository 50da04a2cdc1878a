// Api tokens from the shell: `npm run token -- create --name ci --role EDITOR [--expires 30d]`, `list`, `revoke --name ci`.
// Opens the configured database (same config loader as the api), runs the migrations, and prints a new secret once.
import 'reflect-metadata';
import { ApiTokenRepository } from '../auth/api-token.repository';
import { ApiTokenService } from '../auth/api-token.service';
import { toApiToken } from '../auth/api-token.mapper';
import { parseExpiry } from '../auth/expiry';
import { Role } from '../auth/roles';
import { AppError } from '../common/app-error';
import { ConfigError, loadConfig } from '../config/app-config';
import { dialectOf, openDataSources } from '../database/data-source';
import { Database } from '../database/database';
import { APP_FEATURES } from '../app.module';

const USAGE = `usage:
  npm run token -- create --name <name> --role VIEWER|EDITOR|ADMIN|WORKER [--expires 30d|12h|<ISO date>]
  npm run token -- list [--all]
  npm run token -- revoke --name <name> | --id <uuid>`;

const CLI_ACTOR = { name: 'cli', role: Role.ADMIN };

export function parseFlags(args: string[]): Record<string, string | true> {
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument "${a}"`);
    const [key, inline] = a.slice(2).split('=', 2);
    if (inline !== undefined) flags[key] = inline;
    else if (i + 1 < args.length && !args[i + 1].startsWith('--')) flags[key] = args[++i];
    else flags[key] = true;
  }
  return flags;
}

function str(flags: Record<string, string | true>, key: string): string | undefined {
  const v = flags[key];
  if (v === true) throw new Error(`--${key} needs a value`);
  return v;
}

/** Runs one command against `service`: `print` receives results (stdout), `note` remarks for people (stderr). */
export async function runTokenCommand(argv: string[], service: ApiTokenService, print: (line: string) => void, note: (line: string) => void = () => undefined): Promise<void> {
  const [command, ...rest] = argv;
  const flags = parseFlags(rest);
  if (command === 'create') {
    const name = str(flags, 'name');
    const role = str(flags, 'role')?.toUpperCase();
    if (!name || !role) throw new Error('create needs --name and --role');
    if (!(role in Role)) throw new Error(`--role must be one of ${Object.values(Role).join(', ')}, got "${role}"`);
    const expires = str(flags, 'expires');
    const { token, secret } = await service.create({ name, role: role as Role, expiresAt: expires ? parseExpiry(expires) : null }, CLI_ACTOR);
    print(secret);
    note(`created ${token.role} token "${token.name}" (${token.prefix}…)${token.expiresAt ? `, expires ${new Date(token.expiresAt).toISOString()}` : ''}; the secret above is not shown again`);
  } else if (command === 'list') {
    let after: string | null = null;
    print(['NAME', 'ROLE', 'STATUS', 'PREFIX', 'CREATED', 'EXPIRES', 'LAST USED'].join('\t'));
    do {
      const page = await service.list(100, after, flags.all === true);
      for (const t of page.nodes.map((r) => toApiToken(r))) {
        print([t.name, t.role, t.status, t.prefix, t.createdAt.toISOString(), t.expiresAt?.toISOString() ?? '-', t.lastUsedAt?.toISOString() ?? '-'].join('\t'));
      }
      after = page.hasNextPage ? page.endCursor : null;
    } while (after);
  } else if (command === 'revoke') {
    const token = await service.revoke({ id: str(flags, 'id'), name: str(flags, 'name') }, CLI_ACTOR);
    print(`revoked token "${token.name}" (${token.prefix}…); a running api closes its open subscriptions within seconds`);
  } else {
    throw new Error(USAGE);
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const { writer, reader } = await openDataSources(config, APP_FEATURES.entities);
  const db = new Database(writer, reader, dialectOf(config));
  try {
    await runTokenCommand(
      process.argv.slice(2),
      new ApiTokenService(db, new ApiTokenRepository(db)),
      (line) => console.log(line),
      (line) => console.error(line),
    );
  } finally {
    await db.close();
  }
}

// Guarded so tests can import runTokenCommand without running the CLI.
if (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) {
  main().catch((e) => {
    if (e instanceof ConfigError || e instanceof AppError) console.error(e.message);
    else if (e instanceof Error && !(e as { code?: unknown }).code) console.error(e.message === USAGE ? USAGE : `${e.message}\n${USAGE}`);
    else console.error(e);
    process.exit(e instanceof ConfigError ? 2 : 1);
  });
}
