import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Logger } from 'pino';
import { createCallerSession } from '../caller-session.js';
import { createServer } from '../server.js';
import type { LiveStore } from '../store/live-store.js';

/** One MCP session over stdin/stdout, e.g. spawned by the agent for one call. */
export async function serveStdio(deps: {
  store: LiveStore;
  logger: Logger;
  callerNumber?: string | undefined;
}): Promise<void> {
  const server = createServer({
    store: deps.store,
    session: createCallerSession(deps.callerNumber),
    logger: deps.logger,
  });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => (transport.onclose = resolve));
  await server.connect(transport);
  deps.logger.info({ callerId: deps.callerNumber !== undefined }, 'mcp stdio session open');
  await closed;
}
