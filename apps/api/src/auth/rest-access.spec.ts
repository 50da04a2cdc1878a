// The REST guard is closed by default and the error filter renders its refusals through the code table, in the house
// shape or the renderer a controller chose; unknown routes are JSON 404s. A bare Nest app with the real guard and
// filter (the routes below never reach AuthService: they are undeclared or public).
import 'reflect-metadata';
import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../common/app-error';
import { RestErrorFilter, RestErrors } from '../common/rest-errors';
import { MLFLOW_ERRORS } from '../mlflow/mlflow-errors';
import { AuthService } from './auth.service';
import { OperationLimits } from './limits/operation-limits';
import { RestPublic } from './rest-access';
import { RestAccessGuard } from './rest-access.guard';

@Controller('house')
class HouseController {
  @Get('undeclared')
  undeclared(): string {
    return 'should never run';
  }

  @Get('open')
  @RestPublic()
  open(): { ok: true } {
    return { ok: true };
  }

  @Get('conflict')
  @RestPublic()
  conflict(): never {
    throw new AppError('CONFLICT', 'taken', { reason: 'NAME_TAKEN' });
  }
}

@Controller('mlflowish')
@RestErrors(MLFLOW_ERRORS)
class MlflowishController {
  @Get('undeclared')
  undeclared(): string {
    return 'should never run';
  }

  @Get('conflict')
  @RestPublic()
  conflict(): never {
    throw new AppError('CONFLICT', 'taken');
  }
}

@Module({
  controllers: [HouseController, MlflowishController],
  providers: [
    { provide: APP_GUARD, useClass: RestAccessGuard },
    // Never reached by these routes (undeclared ones are refused first, public ones skip it).
    { provide: AuthService, useValue: {} },
    { provide: OperationLimits, useValue: {} },
  ],
})
class BareModule {}

describe('REST access guard and error filter', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await NestFactory.create(BareModule, { logger: false });
    app.useGlobalFilters(new RestErrorFilter());
    await app.init();
  });
  afterAll(async () => app?.close());

  it('refuses a route that declares no access (closed by default), in the house shape', async () => {
    const res = await request(app.getHttpServer()).get('/house/undeclared');
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: { code: 'FORBIDDEN', message: 'GET /house/undeclared is closed: the route declares no access (@RestRoles or @RestPublic)' } });
  });

  it('serves a public route, and renders an AppError by the code table', async () => {
    expect((await request(app.getHttpServer()).get('/house/open')).body).toEqual({ ok: true });
    const res = await request(app.getHttpServer()).get('/house/conflict');
    expect([res.status, res.body]).toEqual([409, { error: { reason: 'NAME_TAKEN', code: 'CONFLICT', message: 'taken' } }]);
  });

  it("renders a controller's errors, its guard's included, with the renderer it chose (MLflow's shape, same table)", async () => {
    const closed = await request(app.getHttpServer()).get('/mlflowish/undeclared');
    expect([closed.status, closed.body]).toEqual([403, { error_code: 'PERMISSION_DENIED', message: 'GET /mlflowish/undeclared is closed: the route declares no access (@RestRoles or @RestPublic)' }]);
    const taken = await request(app.getHttpServer()).get('/mlflowish/conflict');
    expect([taken.status, taken.body]).toEqual([400, { error_code: 'RESOURCE_ALREADY_EXISTS', message: 'taken' }]);
  });

  it('answers an unknown route with a JSON 404 in the house shape', async () => {
    const res = await request(app.getHttpServer()).get('/nowhere').set('accept', 'application/json');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.error).toMatchObject({ code: 'NOT_FOUND' });
  });
});
