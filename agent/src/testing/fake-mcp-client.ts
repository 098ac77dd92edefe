/**
 * A hand-written MCP client for tests (no server, no module mocks): pass `factory` as the
 * toolset's `clientFactory`. Every session lists one `ping` tool and answers it with `pong`.
 */
import type { McpClientFactory, McpClientSession } from '../mcp/client.js';

/** One session the factory made; `onClose()` plays a stdio child exiting on its own. */
export interface FakeMcpSession {
  onClose: () => void;
  closed: boolean;
}

export interface FakeMcpClient {
  factory: McpClientFactory;
  /** Every session made so far, oldest first. */
  made: FakeMcpSession[];
  /** Holds new connections until the returned function is called. */
  hold(): () => void;
}

export function createFakeMcpClient(): FakeMcpClient {
  const made: FakeMcpSession[] = [];
  let gate: Promise<void> = Promise.resolve();
  const factory: McpClientFactory = async ({ onClose }) => {
    await gate;
    const entry: FakeMcpSession = { onClose, closed: false };
    made.push(entry);
    const session: McpClientSession = {
      listTools: async () => [
        { name: 'ping', description: 'Ping', inputSchema: { type: 'object', properties: {} } },
      ],
      callTool: async () => ({
        content: [{ type: 'text', text: 'pong' }],
        structuredContent: { pong: true },
      }),
      close: async () => {
        entry.closed = true;
        onClose();
      },
    };
    return session;
  };
  return {
    factory,
    made,
    hold: () => {
      let release = () => {};
      gate = new Promise<void>((resolve) => (release = resolve));
      return () => release();
    },
  };
}
