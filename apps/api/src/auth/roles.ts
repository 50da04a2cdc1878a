// Roles and who satisfies what: VIEWER < EDITOR < ADMIN for people and scripts; WORKER only for the worker protocol.
import { registerEnumType } from 'type-graphql';

export enum Role {
  VIEWER = 'VIEWER',
  EDITOR = 'EDITOR',
  ADMIN = 'ADMIN',
  WORKER = 'WORKER',
}
registerEnumType(Role, {
  name: 'Role',
  valuesConfig: {
    VIEWER: { description: 'Reads everything and subscribes.' },
    EDITOR: { description: 'VIEWER, plus creates experiments, runs, models and evaluations and logs to runs.' },
    ADMIN: { description: 'Everything: PRODUCTION/ARCHIVED promotions, policies, tokens, workers, deletions.' },
    WORKER: { description: 'A gpu-worker: the worker protocol only (register, claim, heartbeat, complete, fail, release).' },
  },
  description:
    'VIEWER reads and subscribes; EDITOR also creates and logs; ADMIN also promotes to PRODUCTION/ARCHIVED, sets policies, manages tokens and deletes; WORKER only runs the worker protocol.',
});

const RANK: Record<Role, number> = { [Role.VIEWER]: 1, [Role.EDITOR]: 2, [Role.ADMIN]: 3, [Role.WORKER]: 0 };

/** Whether a caller holding `actual` may use an operation declared for `required`. ADMIN may do everything. */
export function roleSatisfies(actual: Role, required: Role): boolean {
  if (actual === Role.ADMIN) return true;
  if (required === Role.WORKER || actual === Role.WORKER) return actual === required;
  return RANK[actual] >= RANK[required];
}

export interface Identity {
  /** Token name, or `local` for the loopback admin of the embedded default. */
  name: string;
  role: Role;
  /** The api token behind this identity; absent for the local admin. */
  tokenId?: string;
  /** When the token stops working (epoch ms); open graphql-ws connections are closed then. */
  expiresAt?: number | null;
}
