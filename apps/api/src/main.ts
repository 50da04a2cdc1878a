// Podium api entry point: `npm start` (embedded default: SQLite under ./data, in-memory events).
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createPodiumApp } from './app.factory';
import { installProcessSafetyNet } from './common/safety-net';
import { ConfigError, loadConfig } from './config/app-config';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const podium = await createPodiumApp(config);
  const logger = new Logger('Podium');
  // Once it serves (a failed start still ends the process): nothing a request does may end it (common/safety-net.ts).
  installProcessSafetyNet();
  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  logger.log(`GraphQL and Apollo Sandbox: http://${shown}:${config.port === 0 ? new URL(podium.url).port : config.port}/graphql`);
  logger.log(`database: ${config.databaseUrl ? 'PostgreSQL' : config.sqlitePath}; auth: ${config.authMode}; health: /healthz, /readyz; metrics: /metrics`);
  // SIGTERM (docker stop, systemd, npm forwarding it) and SIGINT (Ctrl-C): stop in order (graceful-shutdown.ts), exit
  // 0. A second signal changes nothing: Ctrl-C under `npm start` arrives twice (from the terminal and from npm).
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: shutting down (in-flight requests finish, subscriptions close with 1001, the local worker hands back its job)`);
    podium.close().then(
      () => process.exit(0),
      (e: Error) => {
        logger.error(`shutdown failed: ${e.message}`, e.stack);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
