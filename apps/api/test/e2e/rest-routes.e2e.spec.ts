// Every REST route of the running app declares who may call it (the guard refuses the rest): walks the controllers
// of the modules app.module imports, route by route.
import 'reflect-metadata';
import { PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REST_ACCESS } from '../../src/auth/rest-access';
import { startTestApp, type TestApp } from '../support/test-app';

describe('REST routes of the app', () => {
  let t: TestApp | undefined;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(async () => t?.close());

  it('each declare @RestRoles or @RestPublic (on the route or its controller)', () => {
    const routes: string[] = [];
    const undeclared: string[] = [];
    for (const module of t!.podium.app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const cls = wrapper.metatype as new (...args: never[]) => object;
        for (const name of Object.getOwnPropertyNames(cls.prototype)) {
          const handler = cls.prototype[name as keyof object] as unknown;
          if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
          routes.push(`${cls.name}.${name}`);
          if (Reflect.getMetadata(REST_ACCESS, handler) === undefined && Reflect.getMetadata(REST_ACCESS, cls) === undefined) undeclared.push(`${cls.name}.${name}`);
        }
      }
    }
    expect(routes).toEqual(expect.arrayContaining(['ArtifactsController.put', 'DatasetsController.upload', 'MlflowRunsController.logBatch', 'WebController.serve']));
    expect(undeclared).toEqual([]);
  });

  it('answers an unknown api route with a JSON 404 in the house shape', async () => {
    const res = await t!.http().get('/api/nowhere').set('accept', 'application/json');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'NOT_FOUND' });
  });
});
