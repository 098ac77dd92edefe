// The token API as a library, for the benchmark in bench/; the service runs from main.ts.
export { createApp, type AppDeps } from './app.js';
export { ConfigError, loadConfig, type TokenApiConfig } from './config.js';
export { createLogger } from './logger.js';
export { createTokenIssuer, type TokenIssuer } from './tokens.js';
