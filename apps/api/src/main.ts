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
  const logger = new Logger('Podium');
  const podium = await createPodiumApp(config);
  // Once it serves (a failed start still ends the process): nothing a request does may end it (common/safety-net.ts).
  installProcessSafetyNet();
  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  logger.log(`GraphQL and Apollo Sandbox: http://${shown}:${config.port === 0 ? new URL(podium.url).port : config.port}/graphql`);
  logger.log(`database: ${config.databaseUrl ? 'PostgreSQL' : config.sqlitePath}; auth: ${config.authMode}`);
  const stop = async () => {
    await podium.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
