// Wires configuration, logger, readiness and the app. The only module that reads the environment.
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { ConfigError, hasAccessControl, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { createLiveKitReadiness } from './readiness.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  const app = createApp({
    config,
    logger,
    checkReady: createLiveKitReadiness({
      url: config.livekitUrl,
      apiKey: config.apiKey,
      apiSecret: config.apiSecret,
    }),
  });
  const listener = app.listen(config.port, config.host);
  await once(listener, 'listening');
  const { port } = listener.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  if (!hasAccessControl(config)) {
    logger.warn(
      { url },
      'DEVELOPMENT MODE, NO ACCESS CONTROL: anyone who can reach this address gets LiveKit ' +
        'tokens that start agent sessions. Set QA_PASSCODE or QA_BASIC_AUTH (required with ' +
        'TOKEN_API_MODE=production).',
    );
  }
  if (config.allowCallerId) {
    logger.warn('caller-ID testing is on (QA_ALLOW_CALLER_ID): testers can pose as any caller');
  }
  logger.info(
    {
      url,
      mode: config.mode,
      serverUrl: config.publicUrl,
      agentName: config.agentName,
      ttlSeconds: config.ttlSeconds,
      access: [config.passcode && 'passcode', config.basicAuth && 'basic'].filter(Boolean),
      corsOrigins: config.corsOrigins,
      webTester: existsSync(join(config.webTestDir, 'index.html'))
        ? config.webTestDir
        : 'not built',
    },
    'token api listening',
  );

  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    listener.close(() => process.exit(0));
    listener.closeIdleConnections();
    setTimeout(() => process.exit(0), 2_000).unref();
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

await main();
