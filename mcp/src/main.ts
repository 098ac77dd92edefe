// Wires configuration, logger, data and transport. The only module that reads the environment.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { StoreLoadError } from './store/errors.js';
import { createLiveStore } from './store/live-store.js';
import { toE164 } from './store/phone.js';
import { createHttpApp } from './transports/http.js';
import { serveStdio } from './transports/stdio.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  let store;
  try {
    store = await createLiveStore({
      dir: config.dataDir,
      defaultCountry: config.defaultCountry,
      logger,
      watch: config.watch,
    });
  } catch (error) {
    if (!(error instanceof StoreLoadError)) throw error;
    logger.fatal(
      { file: error.file, line: error.line, column: error.column, detail: error.detail },
      'store data is invalid; not starting',
    );
    process.stderr.write(`Cannot load the store: ${error.message}\n`);
    process.exit(1);
  }

  if (config.transport === 'stdio') {
    const callerNumber =
      config.callerPhone === undefined
        ? undefined
        : toE164(config.callerPhone, config.defaultCountry);
    await serveStdio({ store, logger, callerNumber });
    store.close();
    return;
  }

  const http = createHttpApp({
    store,
    logger,
    authToken: config.authToken!,
    defaultCountry: config.defaultCountry,
    allowedHosts: config.allowedHosts,
  });
  const listener = http.app.listen(config.port, config.host);
  await once(listener, 'listening');
  const { port } = listener.address() as AddressInfo;
  logger.info({ url: `http://${config.host}:${port}/mcp` }, 'mcp server listening');

  const shutdown = async (signal: string): Promise<void> => {
    logger.info({ signal }, 'shutting down');
    store.close();
    await http.close();
    listener.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2_000).unref();
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

await main();
