// graphql-ws and tokens: checked on connect and for every operation; revoked or expired tokens lose open sockets.
import { Injectable } from '@nestjs/common';
import type { Client } from 'graphql-ws';
import { Authorized, Int, Resolver, Root, Subscription } from 'type-graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_MODULES } from '../../src/app.module';
import { ApiTokenEntity } from '../../src/auth/api-token.entity';
import { ConnectionRegistry } from '../../src/auth/connection-registry';
import { Role } from '../../src/auth/roles';
import { Database } from '../../src/database/database';
import { PUB_SUB, type PodiumPubSub } from '../../src/graphql/pubsub';
import { FeatureModule } from '../../src/core/feature-module';
import { bearer, bootstrapSecret, createToken } from '../support/auth-helpers';
import { DIALECTS } from '../support/databases';
import { startTestApp, type TestApp } from '../support/test-app';

// A probe subscription owned by this suite, so it does not depend on which feature subscriptions exist yet.
@Injectable()
@Resolver()
class AuthProbeResolver {
  @Authorized(Role.VIEWER)
  @Subscription(() => Int, { topics: 'AUTH_PROBE' })
  authProbe(@Root() n: number): number {
    return n;
  }

  @Authorized(Role.ADMIN)
  @Subscription(() => Int, { topics: 'AUTH_PROBE' })
  authProbeAdmin(@Root() n: number): number {
    return n;
  }
}
// Imported by the apps this suite starts: its resolver joins their schema as any feature module's does.
@FeatureModule({ resolvers: [AuthProbeResolver] })
class AuthProbeModule {}
APP_MODULES.push(AuthProbeModule);

interface Outcome {
  events: unknown[];
  error?: { code?: number; reason?: string; graphql?: any[] };
  completed: boolean;
}

/** Subscribes and records everything: events, a GraphQL error list or a close event, completion. */
function watch(client: Client, query: string): { outcome: Outcome; ended: Promise<Outcome>; firstEvent: Promise<void> } {
  const outcome: Outcome = { events: [], completed: false };
  let gotEvent = () => undefined as void;
  const firstEvent = new Promise<void>((r) => (gotEvent = r));
  const ended = new Promise<Outcome>((resolve) => {
    client.subscribe(
      { query },
      {
        next: (v) => {
          if (v.errors) outcome.error = { graphql: v.errors as any[] };
          else outcome.events.push(v.data);
          gotEvent();
        },
        error: (e) => {
          if (Array.isArray(e)) outcome.error = { graphql: e };
          else outcome.error = { code: (e as any).code, reason: (e as any).reason };
          resolve(outcome);
        },
        complete: () => {
          outcome.completed = true;
          resolve(outcome);
        },
      },
    );
  });
  return { outcome, ended, firstEvent };
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(DIALECTS)('graphql-ws with tokens on %s', (dialect) => {
  let t: TestApp | undefined;
  let pubSub: PodiumPubSub;
  let registry: ConnectionRegistry;
  beforeAll(async () => {
    t = await startTestApp(dialect, { authMode: 'token' });
    if (!t) return;
    pubSub = t.podium.app.get<PodiumPubSub>(PUB_SUB);
    registry = t.podium.app.get(ConnectionRegistry);
    // This suite drives the sweep by hand.
    registry.sweepMs = 3_600_000;
  });
  afterAll(async () => t?.close());

  /** Publishes until the subscription has seen an event (it may not be listening yet right after subscribe). */
  async function deliverOne(w: ReturnType<typeof watch>): Promise<void> {
    let n = 0;
    await until(() => {
      // A probe topic of this suite's own resolver, outside the app's typed topic map.
      (pubSub as unknown as { publish(topic: string, payload: unknown): void }).publish('AUTH_PROBE', ++n);
      return w.outcome.events.length > 0 || !!w.outcome.error;
    }, 'an event');
  }

  it('refuses a connection without a token or with an unknown one (close 4401, reason names the problem)', async (ctx) => {
    if (!t) return ctx.skip();
    const none = await watch(t.ws(), 'subscription { authProbe }').ended;
    expect(none.error).toEqual({ code: 4401, reason: 'Unauthenticated: no Authorization header (expected "Bearer pod_…")' });
    const forged = 'pod_' + 'C'.repeat(43);
    const unknown = await watch(t.ws(bearer(forged)), 'subscription { authProbe }').ended;
    expect(unknown.error).toEqual({ code: 4401, reason: 'Unauthenticated: unknown token' });
  });

  it('checks the role of each subscription: FORBIDDEN with a typed error, the allowed one streams', async (ctx) => {
    if (!t) return ctx.skip();
    const { secret } = await createToken(t, 'ws-viewer', 'VIEWER');
    const client = t.ws(bearer(secret));
    const denied = await watch(client, 'subscription { authProbeAdmin }').ended;
    expect(denied.error?.graphql?.[0]).toMatchObject({
      message: 'Subscription.authProbeAdmin requires role ADMIN; token "ws-viewer" has role VIEWER',
      extensions: { code: 'FORBIDDEN' },
    });
    const allowed = watch(client, 'subscription { authProbe }');
    await deliverOne(allowed);
    expect(allowed.outcome.error).toBeUndefined();
    expect(allowed.outcome.events[0]).toEqual({ authProbe: expect.any(Number) });
    await client.dispose();
  });

  it('closes an open subscription the moment its token is revoked (4403 "token revoked")', async (ctx) => {
    if (!t) return ctx.skip();
    const { secret, id } = await createToken(t, 'ws-revoked', 'VIEWER');
    const w = watch(t.ws(bearer(secret)), 'subscription { authProbe }');
    await deliverOne(w);
    expect(registry.openConnections(id)).toBe(1);
    const res = await t.gql('mutation { revokeApiToken(input: { name: "ws-revoked" }) { status } }', {}, bearer(bootstrapSecret(t)));
    expect(res.data.revokeApiToken.status).toBe('REVOKED');
    const ended = await w.ended;
    expect(ended.error).toEqual({ code: 4403, reason: 'token revoked' });
    expect(registry.openConnections(id)).toBe(0);
  });

  it('refuses new operations on an open connection whose token was revoked elsewhere, and the sweep closes it', async (ctx) => {
    if (!t) return ctx.skip();
    const { secret, id } = await createToken(t, 'ws-cli-revoked', 'VIEWER');
    const client = t.ws(bearer(secret));
    const first = watch(client, 'subscription { authProbe }');
    await deliverOne(first);
    // As the token CLI or another replica does: straight in the database, without this process knowing.
    await t.podium.app.get(Database).write((tx) => tx.update(ApiTokenEntity, { id }, { revokedAt: Date.now(), revokedBy: 'cli' }));
    const second = await watch(client, 'query { viewer { name } }').ended;
    expect(second.error?.graphql?.[0]).toMatchObject({ message: 'Authentication required: token "ws-cli-revoked" was revoked', extensions: { code: 'UNAUTHENTICATED' } });
    expect(first.outcome.error).toBeUndefined();
    await registry.sweep();
    expect((await first.ended).error).toEqual({ code: 4403, reason: 'token revoked' });
  });

  it('closes an open subscription when its token expires', async (ctx) => {
    if (!t) return ctx.skip();
    const expiresAt = new Date(Date.now() + 1_500).toISOString();
    const { secret } = await createToken(t, 'ws-expiring', 'VIEWER', expiresAt);
    const w = watch(t.ws(bearer(secret)), 'subscription { authProbe }');
    await deliverOne(w);
    const ended = await w.ended;
    expect(ended.error).toEqual({ code: 4403, reason: 'token expired' });
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(expiresAt));
  });

  it('reads the token from connectionParams.authorization or connectionParams.headers.Authorization', async (ctx) => {
    if (!t) return ctx.skip();
    const { secret } = await createToken(t, 'ws-nested', 'VIEWER');
    for (const params of [{ authorization: `Bearer ${secret}` }, { headers: { Authorization: `Bearer ${secret}` } }]) {
      const client = t.ws(params);
      const data = await new Promise((resolve, reject) => {
        client.subscribe({ query: '{ viewer { name } }' }, { next: (v) => (v.errors ? reject(new Error(JSON.stringify(v.errors))) : resolve(v.data)), error: reject, complete: () => undefined });
      });
      expect(data).toEqual({ viewer: { name: 'ws-nested' } });
      await client.dispose();
    }
  });

  it('maps errors on graphql-ws like HTTP: validation errors carry a code', async (ctx) => {
    if (!t) return ctx.skip();
    const { secret } = await createToken(t, 'ws-typo', 'VIEWER');
    const res = await watch(t.ws(bearer(secret)), 'subscription { authProbeTypo }').ended;
    expect(res.error?.graphql?.[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
