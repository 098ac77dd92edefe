export { createApp, type AppDeps } from './app.js';
export { createCallLimits, type CallLimits, type NewCall, type Verdict } from './call-limits.js';
export { createCallerKeys } from './caller-key.js';
export { ConfigError, loadConfig, type LineLimits, type SwitchboardConfig } from './config.js';
export { createLineGuard, type LineGuard } from './line-guard.js';
