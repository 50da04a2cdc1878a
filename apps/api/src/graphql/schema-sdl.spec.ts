import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sortedSchemaSdl } from './schema-sdl';

describe('apps/api/schema.graphql', () => {
  it('is the sorted SDL of the current resolvers (run npm run build && npm run schema:emit when this fails)', async () => {
    const committed = readFileSync(resolve(__dirname, '../../schema.graphql'), 'utf8');
    expect(await sortedSchemaSdl()).toBe(committed);
  });
});
