// What other workspaces (the agent, benchmarks, tests) use of the MCP server.
export { createServer, SERVER_NAME } from './server.js';
export { createHttpApp, CALLER_NUMBER_HEADER } from './transports/http.js';
export { createLiveStore, type LiveStore } from './store/live-store.js';
export { loadStore } from './store/load.js';
export { toE164, maskPhone } from './store/phone.js';
export { normalizeId } from './store/ids.js';
export { createCallerSession } from './caller-session.js';
export { TOOLS } from './tools/registry.js';
