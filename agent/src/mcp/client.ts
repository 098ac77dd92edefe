// The MCP SDK client behind the toolset, reduced to what the toolset needs, so tests can inject a
// hand-written fake through `clientFactory`.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';

export type McpConnection =
  | { type: 'http'; url: string; authToken: string }
  | {
      type: 'stdio';
      command: string;
      args: string[];
      cwd?: string;
      /** Added to a minimal inherited environment (HOME, PATH, ...), as the MCP SDK does. */
      env?: Record<string, string>;
      /** The child's stderr (its pino logs); default 'inherit'. */
      stderr?: 'inherit' | 'ignore';
    };

export type McpToolInfo = Pick<Tool, 'name' | 'title' | 'description' | 'inputSchema'>;
export type McpCallResult = Pick<CallToolResult, 'content' | 'structuredContent' | 'isError'>;

/** A connected MCP session. */
export interface McpClientSession {
  listTools(options: { timeout: number }): Promise<McpToolInfo[]>;
  callTool(
    name: string,
    args: Record<string, unknown>,
    options: { signal: AbortSignal; timeout: number },
  ): Promise<McpCallResult>;
  /** Ends the session: terminates the HTTP session, or ends the stdio child. */
  close(): Promise<void>;
}

export interface McpClientFactoryOptions {
  connection: McpConnection;
  callerNumber: string | undefined;
  /** Bound on connecting (spawn/initialize). */
  timeoutMs: number;
  /** Called when the session ends on its own (e.g. the stdio child exited) or is closed. */
  onClose: () => void;
}

/** Connects one MCP session; rejects when the server cannot be reached in time. */
export type McpClientFactory = (options: McpClientFactoryOptions) => Promise<McpClientSession>;

export const CALLER_NUMBER_HEADER = 'X-Caller-Number';
const CLIENT_INFO = { name: 'ecommerce-voicebot-agent', version: '0.1.0' };
/** A DELETE to a server that went away must not hold up the end of a call. */
const TERMINATE_TIMEOUT_MS = 1_000;

/** An error's kind for logs, never its message (which may quote a server's reply). */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code;
  const cause = (error.cause as { code?: unknown } | undefined)?.code;
  return [error.name, code, cause].filter((part) => part !== undefined).join(' ');
}

function bounded(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}

/** The default factory: the MCP SDK client over Streamable HTTP or stdio. */
export const connectSdkClient: McpClientFactory = async ({
  connection,
  callerNumber,
  timeoutMs,
  onClose,
}) => {
  const client = new Client(CLIENT_INFO);
  let transport: StreamableHTTPClientTransport | StdioClientTransport;
  if (connection.type === 'http') {
    const headers: Record<string, string> = { Authorization: `Bearer ${connection.authToken}` };
    // The server reads it on initialize only; it is a header of ours, never a tool argument.
    if (callerNumber !== undefined && callerNumber !== '')
      headers[CALLER_NUMBER_HEADER] = callerNumber;
    transport = new StreamableHTTPClientTransport(new URL(connection.url), {
      requestInit: { headers },
      // Tools answer in the POST response; do not keep re-opening the optional GET stream.
      reconnectionOptions: {
        initialReconnectionDelay: 1_000,
        maxReconnectionDelay: 1_000,
        reconnectionDelayGrowFactor: 1,
        maxRetries: 0,
      },
    });
  } else {
    const args =
      callerNumber !== undefined && callerNumber !== ''
        ? [...connection.args, '--caller-phone', callerNumber]
        : [...connection.args];
    transport = new StdioClientTransport({
      command: connection.command,
      args,
      ...(connection.cwd !== undefined && { cwd: connection.cwd }),
      ...(connection.env !== undefined && { env: connection.env }),
      stderr: connection.stderr ?? 'inherit',
    });
  }
  // Non-fatal transport noise (a dropped GET stream, a non-protocol stdout line) lands here; real
  // failures reject the request that hit them.
  client.onerror = () => undefined;
  client.onclose = onClose;
  try {
    await client.connect(transport, { timeout: timeoutMs });
  } catch (error) {
    await bounded(client.close(), TERMINATE_TIMEOUT_MS);
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    async listTools({ timeout }) {
      const tools: McpToolInfo[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor === undefined ? undefined : { cursor }, {
          timeout,
        });
        tools.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      return tools;
    },
    async callTool(name, args, { signal, timeout }) {
      return (await client.callTool({ name, arguments: args }, undefined, {
        signal,
        timeout,
      })) as McpCallResult;
    },
    close() {
      closing ??= (async () => {
        if (transport instanceof StreamableHTTPClientTransport)
          await bounded(transport.terminateSession(), TERMINATE_TIMEOUT_MS);
        await client.close();
      })();
      return closing;
    },
  };
};
