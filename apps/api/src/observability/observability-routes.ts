// GET /healthz (the process answers: no I/O), GET /readyz (readiness.ts: 200 or 503, no auth, no data) and
// GET /metrics (Prometheus text; a VIEWER identity: open to the loopback local admin of PODIUM_AUTH=local, a token
// otherwise — or PODIUM_METRICS_PORT, metrics-listener.ts). Plain Express routes, mounted before Nest's, so no guard
// or filter of the REST controllers applies to them.
import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import type { Express, NextFunction, Request, Response } from 'express';
import { AuthService } from '../auth/auth.service';
import { Role } from '../auth/roles';
import { answerError } from '../common/http-error';
import { AppMetrics } from './app-metrics';
import { Readiness } from './readiness';

export function mountObservabilityRoutes(app: INestApplication): void {
  const logger = new Logger('Metrics');
  const express = app.getHttpAdapter().getInstance() as Express;
  const readiness = app.get(Readiness);
  const metrics = app.get(AppMetrics);
  const auth = app.get(AuthService);

  express.get('/healthz', (_req: Request, res: Response) => {
    res.setHeader('cache-control', 'no-store');
    res.status(200).json({ status: 'ok' });
  });

  express.get('/readyz', (_req: Request, res: Response, next: NextFunction) => {
    readiness.report().then((report) => {
      res.setHeader('cache-control', 'no-store');
      res.status(report.status === 'ready' ? 200 : 503).json(report);
    }, next);
  });

  express.get('/metrics', async (req: Request, res: Response) => {
    try {
      await auth.requireRequest(req, [Role.VIEWER], '/metrics');
      const text = await metrics.scrape();
      // The exposition type as prom-client gives it (Express's send would add a charset to it).
      res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
      res.end(text);
    } catch (e) {
      answerError(req, res, e, logger);
    }
  });
}
