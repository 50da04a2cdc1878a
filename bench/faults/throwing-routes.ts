// A fault module for the safety-net test, never part of the api: preloaded with `node --require
// dist/bench/faults/throwing-routes.js dist/apps/api/src/main.js`, it adds routes under /__fault/ that fail the
// ways a bug in a request path does (a throw in a callback, a rejection nobody awaits, a throw in a handler, a throw
// after the response has started, a throw while the body is read). It adds them as the app initialises (a wrapped
// NestApplication.init: after the factory's middleware and routes, before Nest's own 404), so the api needs no hook.
import 'reflect-metadata';
import { NestApplication } from '@nestjs/core';
import type { Request, Response } from 'express';

const init = NestApplication.prototype.init;
NestApplication.prototype.init = async function (this: NestApplication) {
  addFaultRoutes(this);
  return init.call(this);
};

function addFaultRoutes(app: NestApplication): void {
  const express = app.getHttpAdapter().getInstance();
  express.get('/__fault/uncaught', () => {
    setImmediate(() => {
      throw new Error('fault: thrown in a callback');
    });
  });
  express.get('/__fault/rejection', () => {
    void (async () => {
      await new Promise((r) => setTimeout(r, 5));
      throw new Error('fault: a rejection nobody awaited');
    })();
  });
  express.get('/__fault/handler', () => {
    throw new Error('fault: thrown by a handler');
  });
  express.get('/__fault/after-headers', (_req: Request, res: Response) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100' });
    res.write('the first bytes of a body that never ends');
    setImmediate(() => {
      throw new Error('fault: thrown mid-response');
    });
  });
  express.put('/__fault/upload', (req: Request) => {
    req.once('data', () => {
      throw new Error('fault: thrown while the body is read');
    });
  });
}
