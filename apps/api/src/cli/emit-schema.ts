// Writes apps/api/schema.graphql (sorted) from the resolvers: `npm run build && npm run schema:emit`.
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sortedSchemaSdl } from '../graphql/schema-sdl';

async function main(): Promise<void> {
  const target = resolve(process.argv[2] ?? 'apps/api/schema.graphql');
  writeFileSync(target, await sortedSchemaSdl());
  console.error(`wrote ${target}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
