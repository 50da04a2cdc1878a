import { describe, expect, it } from 'vitest';
import { Role, roleSatisfies } from './roles';

describe('roleSatisfies', () => {
  it('orders VIEWER < EDITOR < ADMIN, keeps WORKER apart, and lets ADMIN do everything', () => {
    const roles = [Role.VIEWER, Role.EDITOR, Role.ADMIN, Role.WORKER];
    const table = Object.fromEntries(roles.map((actual) => [actual, roles.filter((required) => roleSatisfies(actual, required))]));
    expect(table).toEqual({
      VIEWER: ['VIEWER'],
      EDITOR: ['VIEWER', 'EDITOR'],
      ADMIN: ['VIEWER', 'EDITOR', 'ADMIN', 'WORKER'],
      WORKER: ['WORKER'],
    });
  });
});
