import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Logger } from 'pino';
import type { CallerSession } from './caller-session.js';
import type { LiveStore } from './store/live-store.js';
import { registerTools } from './tools/registry.js';

export const SERVER_NAME = 'ecommerce-support';
export const SERVER_VERSION = '0.1.0';

export interface ServerDeps {
  store: LiveStore;
  session: CallerSession;
  logger: Logger;
}

/** One MCP server per session: its caller's verification is never visible to another session. */
export function createServer({ store, session, logger }: ServerDeps): McpServer {
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    {
      instructions:
        'Read-only e-commerce support data: orders, deliveries, returns, products and store policies. Customer-scoped tools answer only for a verified caller.',
      // Arguments are a handful of fields; anything larger is not a real call.
      maxToolInputElements: 50,
    },
  );
  registerTools(server, { store: () => store.current(), session }, logger);
  return server;
}
