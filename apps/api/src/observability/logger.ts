// The api's root pino logger (@podium/logging): every line written during a request carries its id.
import type { INestApplication } from '@nestjs/common';
import { createLogger, type Logger } from '@podium/logging';
import type { DestinationStream } from 'pino';
import { currentRequest } from '../common/request-context';
import type { AppConfig } from '../config/app-config';

export function createApiLogger(config: Pick<AppConfig, 'logLevel' | 'logFormat'>, destination?: DestinationStream): Logger {
  return createLogger({
    name: 'podium-api',
    level: config.logLevel,
    format: config.logFormat,
    destination,
    mixin: () => {
      const id = currentRequest()?.id;
      return id ? { reqId: id } : {};
    },
  });
}

const roots = new WeakMap<INestApplication, Logger>();

/** Set once by createPodiumApp; read by the parts mounted outside Nest's injector (GraphQL, graphql-ws). */
export function bindRootLogger(app: INestApplication, logger: Logger): void {
  roots.set(app, logger);
}

export function rootLoggerOf(app: INestApplication): Logger {
  const logger = roots.get(app);
  if (!logger) throw new Error('rootLoggerOf: createPodiumApp binds the root logger before mounting GraphQL');
  return logger;
}
