// Bridges the store's MCP tool server to the LiveKit agent as an `llm.Toolset` (the Node agents
// framework has no MCP client). One MCP session per toolset, i.e. per call. This file runs the
// tool calls; the rest of the folder has one job per file: client.ts (the MCP SDK client),
// connection.ts (keeping the session), retry.ts (backoff, deadlines), call-guards.ts (per-call
// limits, caller number), tool-results.ts (what the model is told).
import { llm } from '@livekit/agents';
import type { JSONSchema7 } from 'json-schema';
import type { Logger } from 'pino';
import type { ToolCallEvent, ToolCallStatus } from '../observability/types.js';
import {
  DEFAULT_MAX_IDENTICAL_CALLS,
  createIdenticalCallLimit,
  normalizeCallerNumber,
  type IdenticalCallLimit,
} from './call-guards.js';
import {
  connectSdkClient,
  describeError,
  type McpCallResult,
  type McpClientFactory,
  type McpConnection,
  type McpToolInfo,
} from './client.js';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  createMcpSessionKeeper,
  type McpSessionKeeper,
  type McpToolsetStatus,
} from './connection.js';
import { DEFAULT_RETRY_DELAYS_MS, withDeadline } from './retry.js';
import {
  CANCELLED_MESSAGE,
  FALLBACK_ERROR_MESSAGE,
  TIMEOUT_MESSAGE,
  UNAVAILABLE_MESSAGE,
  blockedMessage,
  classifyCallError,
  toolAnswer,
} from './tool-results.js';

// The toolset's public surface, re-exported from the modules that own each piece.
export type {
  McpCallResult,
  McpClientFactory,
  McpClientFactoryOptions,
  McpClientSession,
  McpConnection,
  McpToolInfo,
} from './client.js';
export { connectSdkClient } from './client.js';
export {
  canonicalArgs,
  normalizeCallerNumber,
  DEFAULT_MAX_IDENTICAL_CALLS,
} from './call-guards.js';
export { DEFAULT_CONNECT_TIMEOUT_MS, type McpToolsetStatus } from './connection.js';
export { DEFAULT_RETRY_DELAYS_MS } from './retry.js';
export { TIMEOUT_MESSAGE, UNAVAILABLE_MESSAGE } from './tool-results.js';

/** What the toolset reports per tool call: the call observer's event, with MCP's object arguments. */
export type McpToolCallStatus = ToolCallStatus;
export interface McpToolCallEvent extends ToolCallEvent {
  args: Record<string, unknown>;
}

export interface McpToolsetOptions {
  connection: McpConnection;
  /**
   * Trusted E.164 number of a phone caller: over HTTP the `X-Caller-Number` header (read by the
   * server on initialize), over stdio `--caller-phone NUMBER`. Never settable by the model, and
   * set only when the trunk vouches for the caller ID (call/caller-identity.ts): the store lets a
   * caller whose number is on file see their orders without further checks.
   */
  callerNumber?: string | undefined;
  /** Bound on one tool call, reconnect included. Default 5000. */
  toolTimeoutMs?: number;
  /** The same tool with the same canonical arguments more often than this in one call is refused. Default 3. */
  maxIdenticalCalls?: number;
  /** Bound on connecting (spawn or HTTP initialize) plus listing the tools. Default 5000. */
  connectTimeoutMs?: number;
  /**
   * How long the agent's start waits for the first connection (the greeting waits with it); the
   * attempt goes on after that and the tools follow when it succeeds. Default 500.
   */
  setupWaitMs?: number;
  /** Delays between background connection attempts; the last one repeats. */
  retryDelaysMs?: readonly number[];
  logger: Logger;
  /** Every tool call outcome. Carries arguments and results: do not log it as is. */
  onToolCall?: (event: McpToolCallEvent) => void;
  onStatusChange?: (status: McpToolsetStatus) => void;
  /** Injection point for tests; default: the MCP SDK client over `connection`. */
  clientFactory?: McpClientFactory;
  /** Toolset id in the agent's tool context. Default 'mcp_store'. */
  id?: string;
}

/** The toolset, plus whether the store systems are reachable (so the agent can tell the model). */
export interface McpToolset extends llm.Toolset {
  status(): McpToolsetStatus;
}

export const DEFAULT_TOOL_TIMEOUT_MS = 5_000;
export const DEFAULT_SETUP_WAIT_MS = 500;

/** The MCP tool's input schema as the framework's tool parameters (it rejects `$schema`). */
function toolParameters(inputSchema: McpToolInfo['inputSchema']): JSONSchema7 {
  const { $schema: _ignored, ...rest } = inputSchema as Record<string, unknown>;
  return rest as JSONSchema7;
}

class McpToolsetImpl extends llm.Toolset implements McpToolset {
  readonly #options: McpToolsetOptions;
  readonly #logger: Logger;
  readonly #sessions: McpSessionKeeper;
  readonly #identicalCalls: IdenticalCallLimit;
  #updateTools: ((tools: readonly llm.ToolContextEntry[]) => void) | undefined;
  #published = '';

  constructor(options: McpToolsetOptions) {
    super({ id: options.id ?? 'mcp_store', tools: [] });
    this.#options = options;
    this.#logger = options.logger;
    const callerNumber = normalizeCallerNumber(options.callerNumber);
    if (callerNumber === undefined && options.callerNumber?.trim()) {
      this.#logger.warn(
        'caller number is not in E.164 form; not sent (the caller can verify by email)',
      );
    }
    this.#identicalCalls = createIdenticalCallLimit(this.#maxIdenticalCalls());
    this.#sessions = createMcpSessionKeeper({
      connection: options.connection,
      callerNumber,
      factory: options.clientFactory ?? connectSdkClient,
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      retryDelaysMs: options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
      logger: options.logger,
      onTools: (tools) => this.#publish(tools),
      onStatusChange: options.onStatusChange,
    });
  }

  status(): McpToolsetStatus {
    return this.#sessions.status();
  }

  override async setup(ctx: llm.ToolsetContext): Promise<void> {
    this.#updateTools = (tools) => ctx.updateTools(tools);
    // The tools are usually there within tens of milliseconds, before the agent starts. A slow
    // store server (a worker host at its CPU quota took 5 s) must not hold the greeting, though:
    // past setupWaitMs the agent starts and the tools follow. Never throws: a store outage must
    // not break the call.
    const first = this.#sessions.connect().then(
      () => undefined,
      (error: unknown) => this.#sessions.failed(error),
    );
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#options.setupWaitMs ?? DEFAULT_SETUP_WAIT_MS);
    });
    await Promise.race([first, waited]).finally(() => clearTimeout(timer));
  }

  override async aclose(): Promise<void> {
    await this.#sessions.close();
  }

  #maxIdenticalCalls(): number {
    return this.#options.maxIdenticalCalls ?? DEFAULT_MAX_IDENTICAL_CALLS;
  }

  /** Hands the server's tools to the framework; the same tools again are not re-advertised. */
  #publish(mcpTools: McpToolInfo[]): void {
    const signature = JSON.stringify(
      mcpTools.map((tool) => [tool.name, tool.description, tool.inputSchema]),
    );
    if (signature === this.#published) return;
    this.#published = signature;
    const tools = mcpTools.map((tool) =>
      llm.tool({
        name: tool.name,
        description: tool.description ?? tool.title ?? tool.name,
        parameters: toolParameters(tool.inputSchema),
        execute: (args: Record<string, unknown>, opts: llm.ToolOptions) =>
          this.#execute(tool.name, args ?? {}, opts),
      }),
    );
    this.#updateTools?.(tools);
  }

  async #execute(
    name: string,
    args: Record<string, unknown>,
    { toolCallId, abortSignal }: Pick<llm.ToolOptions, 'toolCallId' | 'abortSignal'>,
  ): Promise<{ summary: string; data: unknown }> {
    const startedAt = Date.now();
    const started = performance.now();
    const report = (status: McpToolCallStatus, extra: { result?: unknown; error?: string }) => {
      const durationMs = Math.round(performance.now() - started);
      const level = status === 'timeout' || status === 'unavailable' ? 'warn' : 'info';
      this.#logger[level]({ tool: name, status, durationMs }, 'mcp tool call');
      try {
        this.#options.onToolCall?.({
          callId: toolCallId,
          name,
          args,
          startedAt,
          durationMs,
          status,
          ...extra,
        });
      } catch (error) {
        this.#logger.error({ reason: describeError(error) }, 'mcp onToolCall listener failed');
      }
    };
    const fail = (status: McpToolCallStatus, message: string): never => {
      report(status, { error: message });
      throw new llm.ToolError(message);
    };

    if (!this.#identicalCalls.allows(name, args)) {
      return fail('blocked', blockedMessage(name, this.#maxIdenticalCalls()));
    }

    const deadline = started + (this.#options.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS);
    // At most one reconnect per tool call, within its deadline.
    let reconnected = false;
    for (;;) {
      if (abortSignal.aborted) return fail('error', CANCELLED_MESSAGE);
      const remaining = deadline - performance.now();
      if (remaining <= 0) return fail('timeout', TIMEOUT_MESSAGE);
      const session = this.#sessions.current();
      if (session === undefined) {
        // Lost earlier (or never connected): this attempt is the one reconnect.
        if (reconnected) return fail('unavailable', UNAVAILABLE_MESSAGE);
        reconnected = true;
        try {
          await withDeadline(this.#sessions.connect(remaining), remaining);
        } catch (error) {
          this.#sessions.failed(error);
          if (abortSignal.aborted) return fail('error', CANCELLED_MESSAGE);
          return fail('unavailable', UNAVAILABLE_MESSAGE);
        }
        continue;
      }
      let result: McpCallResult;
      try {
        result = await session.callTool(name, args, {
          signal: abortSignal,
          timeout: Math.max(1, remaining),
        });
      } catch (error) {
        if (abortSignal.aborted) return fail('error', CANCELLED_MESSAGE);
        const failure = classifyCallError(error);
        if (failure === 'timeout') return fail('timeout', TIMEOUT_MESSAGE);
        if (failure === 'answer') {
          // A protocol-level answer (unknown tool, invalid output): no user input in it.
          this.#logger.warn({ tool: name, reason: describeError(error) }, 'mcp tool call rejected');
          return fail('error', FALLBACK_ERROR_MESSAGE);
        }
        this.#logger.info(
          { tool: name, reason: describeError(error) },
          'mcp connection failed during a tool call; reconnecting',
        );
        this.#sessions.drop(session);
        if (reconnected) {
          this.#sessions.failed(error);
          return fail('unavailable', UNAVAILABLE_MESSAGE);
        }
        continue;
      }
      const answer = toolAnswer(result);
      if (!answer.ok) return fail('error', answer.message);
      report('ok', { result: answer.data });
      return { summary: answer.summary, data: answer.data };
    }
  }
}

/** The store's MCP tools as a toolset: create one per call, pass it in the agent's `tools`. */
export function createMcpToolset(options: McpToolsetOptions): McpToolset {
  return new McpToolsetImpl(options);
}
