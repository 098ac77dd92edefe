// Bridges the store's MCP tool server to the LiveKit agent as an `llm.Toolset` (the Node agents
// framework has no MCP client). One MCP session per toolset, i.e. per call.
import { llm } from '@livekit/agents';
import type { JSONSchema7 } from 'json-schema';
import type { Logger } from 'pino';
import type { ToolCallEvent, ToolCallStatus } from '../call/types.js';
import { describeError, connectSdkClient } from './client.js';
import type {
  McpCallResult,
  McpClientFactory,
  McpClientSession,
  McpConnection,
  McpToolInfo,
} from './client.js';

export type {
  McpCallResult,
  McpClientFactory,
  McpClientFactoryOptions,
  McpClientSession,
  McpConnection,
  McpToolInfo,
} from './client.js';
export { connectSdkClient } from './client.js';

export type McpToolsetStatus = 'connecting' | 'connected' | 'unavailable';

/** What the toolset reports per tool call: the call observer's event, with MCP's object arguments. */
export type McpToolCallStatus = ToolCallStatus;
export interface McpToolCallEvent extends ToolCallEvent {
  args: Record<string, unknown>;
}

export interface McpToolsetOptions {
  connection: McpConnection;
  /**
   * Trusted E.164 number of a phone caller: over HTTP the `X-Caller-Number` header (read by the
   * server on initialize), over stdio `--caller-phone NUMBER`. Never settable by the model.
   */
  callerNumber?: string | undefined;
  /** Bound on one tool call, reconnect included. Default 5000. */
  toolTimeoutMs?: number;
  /** The same tool with the same canonical arguments more often than this in one call is refused. Default 3. */
  maxIdenticalCalls?: number;
  /** Bound on connecting (spawn or HTTP initialize) plus listing the tools. Default 5000. */
  connectTimeoutMs?: number;
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
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_IDENTICAL_CALLS = 3;
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [250, 500, 1_000, 2_000, 4_000];

export const TIMEOUT_MESSAGE =
  'The store system did not answer in time. Tell the customer you could not look that up just now; ' +
  'offer to try again in a moment or to help with something else. Do not guess the answer.';
export const UNAVAILABLE_MESSAGE =
  'The store system is not reachable right now. Apologise, tell the customer you cannot look this up ' +
  'at the moment, and offer to help with something else or to have them call back later. Do not guess.';
const CANCELLED_MESSAGE = 'The request was cancelled.';
const FALLBACK_ERROR_MESSAGE = 'The store system could not answer that request.';

function blockedMessage(name: string, max: number): string {
  return (
    `Stop: ${name} was already called ${max} times with these same arguments in this call and ` +
    'will give the same answer. Do not call it again with them. Use the answer you already have, ' +
    'ask the customer to confirm or correct the details, or offer another way to help.'
  );
}

/**
 * Canonical form of tool arguments for the loop breaker: object keys sorted, null/undefined values
 * dropped, strings trimmed and lower-cased (ids and emails are case-insensitive to the server).
 */
export function canonicalArgs(value: unknown): string {
  const canon = (v: unknown): unknown => {
    if (typeof v === 'string') return v.trim().toLowerCase();
    if (Array.isArray(v)) return v.map(canon);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .filter((key) => (v as Record<string, unknown>)[key] !== null)
          .filter((key) => (v as Record<string, unknown>)[key] !== undefined)
          .map((key) => [key, canon((v as Record<string, unknown>)[key])]),
      );
    }
    return v;
  };
  return JSON.stringify(canon(value ?? {})) ?? '{}';
}

/** MCP errors whose code says the request timed out (the SDK also uses it for aborts). */
function isTimeout(error: unknown): boolean {
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  return name === 'McpError' && code === -32001;
}

/**
 * The caller number in E.164 (`+` and 7 to 15 digits; spaces, dots, dashes and brackets dropped),
 * or undefined. Anything else is not sent: the server refuses a session whose number it cannot
 * read (HTTP 400 on initialize, exit on stdio), and that must not take the store down for a call.
 */
export function normalizeCallerNumber(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const compact = raw.replace(/[\s().-]/g, '');
  return /^\+[1-9]\d{6,14}$/.test(compact) ? compact : undefined;
}

/**
 * Whether the failure is the connection's (server gone, session forgotten, child exited) rather
 * than an answer from the server: an MCP protocol error other than "connection closed" is an answer.
 */
function isConnectionFailure(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return true;
  const { name, code } = error as { name?: unknown; code?: unknown };
  if (name === 'McpError') return code === -32000;
  return true;
}

function textOf(content: unknown): string {
  if (!Array.isArray(content)) return '';
  return content
    .filter(
      (part): part is { type: 'text'; text: string } =>
        (part as { type?: unknown }).type === 'text' &&
        typeof (part as { text?: unknown }).text === 'string',
    )
    .map((part) => part.text)
    .join('\n');
}

/** Rejects when `promise` has not settled within `ms` (the promise itself carries on). */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error('connect deadline')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function toolParameters(inputSchema: McpToolInfo['inputSchema']): JSONSchema7 {
  const { $schema: _ignored, ...rest } = inputSchema as Record<string, unknown>;
  return rest as JSONSchema7;
}

class McpToolsetImpl extends llm.Toolset implements McpToolset {
  readonly #options: McpToolsetOptions;
  readonly #logger: Logger;
  readonly #factory: McpClientFactory;
  readonly #callerNumber: string | undefined;
  #status: McpToolsetStatus = 'connecting';
  #session: McpClientSession | undefined;
  #connecting: Promise<McpClientSession> | undefined;
  #updateTools: ((tools: readonly llm.ToolContextEntry[]) => void) | undefined;
  #published = '';
  #closed = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #failedAttempts = 0;
  #warned = false;
  readonly #callCounts = new Map<string, number>();

  constructor(options: McpToolsetOptions) {
    super({ id: options.id ?? 'mcp_store', tools: [] });
    this.#options = options;
    this.#logger = options.logger;
    this.#factory = options.clientFactory ?? connectSdkClient;
    this.#callerNumber = normalizeCallerNumber(options.callerNumber);
    if (this.#callerNumber === undefined && options.callerNumber?.trim()) {
      this.#logger.warn(
        'caller number is not in E.164 form; not sent (the caller can verify by email)',
      );
    }
  }

  status(): McpToolsetStatus {
    return this.#status;
  }

  override async setup(ctx: llm.ToolsetContext): Promise<void> {
    this.#updateTools = (tools) => ctx.updateTools(tools);
    // Wait for the first attempt (bounded by connectTimeoutMs) so that the tools are there when the
    // agent starts; never throw: a store outage must not break the call.
    try {
      await this.#connect();
    } catch (error) {
      this.#connectFailed(error);
    }
  }

  override async aclose(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    const pending = this.#connecting;
    const session = this.#session;
    this.#session = undefined;
    await Promise.allSettled([
      session?.close(),
      pending?.then((late) => (late === session ? undefined : late.close())),
    ]);
  }

  #setStatus(status: McpToolsetStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    try {
      this.#options.onStatusChange?.(status);
    } catch (error) {
      this.#logger.error({ reason: describeError(error) }, 'mcp onStatusChange listener failed');
    }
  }

  /** One connection attempt (shared by concurrent callers); publishes the tools on success. */
  #connect(timeoutMs?: number): Promise<McpClientSession> {
    if (this.#connecting !== undefined) return this.#connecting;
    const attempt = (async () => {
      const limit = Math.min(
        timeoutMs ?? Infinity,
        this.#options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      );
      const deadline = performance.now() + limit;
      // The session ends on its own (a stdio child exiting): only once it is ours does that matter.
      const ref: { session?: McpClientSession } = {};
      const session = await this.#factory({
        connection: this.#options.connection,
        callerNumber: this.#callerNumber,
        timeoutMs: limit,
        onClose: () => {
          if (ref.session !== undefined) this.#lost(ref.session);
        },
      });
      ref.session = session;
      let tools: McpToolInfo[];
      try {
        if (this.#closed) throw new Error('toolset closed');
        tools = await session.listTools({
          timeout: Math.max(1, deadline - performance.now()),
        });
      } catch (error) {
        await session.close().catch(() => undefined);
        throw error;
      }
      if (this.#closed) {
        await session.close().catch(() => undefined);
        throw new Error('toolset closed');
      }
      this.#session = session;
      clearTimeout(this.#retryTimer);
      this.#retryTimer = undefined;
      if (this.#failedAttempts > 0) {
        this.#logger.info({ failedAttempts: this.#failedAttempts }, 'mcp server reachable again');
      } else {
        this.#logger.debug({ tools: tools.length }, 'mcp server connected');
      }
      this.#failedAttempts = 0;
      this.#warned = false;
      this.#publish(tools);
      this.#setStatus('connected');
      return session;
    })();
    this.#connecting = attempt;
    const clear = () => {
      if (this.#connecting === attempt) this.#connecting = undefined;
    };
    attempt.then(clear, clear);
    return attempt;
  }

  #connectFailed(error: unknown): void {
    if (this.#closed) return;
    this.#failedAttempts += 1;
    this.#setStatus('unavailable');
    if (!this.#warned) {
      this.#warned = true;
      this.#logger.warn(
        { reason: describeError(error), toolsExposed: this.#published !== '' },
        this.#published === ''
          ? 'mcp server not reachable; no store tools until it answers, retrying in the background'
          : 'mcp server not reachable; retrying in the background',
      );
    }
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (this.#closed || this.#retryTimer !== undefined) return;
    const delays = this.#options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    const step = Math.max(0, Math.min(this.#failedAttempts - 1, delays.length - 1));
    const delay = delays[step] ?? 1_000;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      if (this.#closed || this.#session !== undefined) return;
      this.#connect().catch((error: unknown) => this.#connectFailed(error));
    }, delay);
    this.#retryTimer.unref();
  }

  /** The session stopped working (child exited, server forgot it): drop it. */
  #lost(session: McpClientSession): void {
    if (this.#session !== session) return;
    this.#session = undefined;
    void session.close().catch(() => undefined);
    if (this.#closed) return;
    this.#logger.info('mcp session ended; reconnecting');
    this.#setStatus('connecting');
    this.#scheduleRetry();
  }

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

    const max = this.#options.maxIdenticalCalls ?? DEFAULT_MAX_IDENTICAL_CALLS;
    const key = `${name}\u0000${canonicalArgs(args)}`;
    const count = (this.#callCounts.get(key) ?? 0) + 1;
    this.#callCounts.set(key, count);
    if (count > max) return fail('blocked', blockedMessage(name, max));

    const deadline = started + (this.#options.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS);
    let reconnected = false;
    for (;;) {
      if (abortSignal.aborted) return fail('error', CANCELLED_MESSAGE);
      const remaining = deadline - performance.now();
      if (remaining <= 0) return fail('timeout', TIMEOUT_MESSAGE);
      let session = this.#session;
      if (session === undefined) {
        // Lost earlier (or never connected): this attempt is the one reconnect.
        if (reconnected) return fail('unavailable', UNAVAILABLE_MESSAGE);
        reconnected = true;
        try {
          session = await withDeadline(this.#connect(remaining), remaining);
        } catch (error) {
          this.#connectFailed(error);
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
        if (isTimeout(error)) return fail('timeout', TIMEOUT_MESSAGE);
        if (!isConnectionFailure(error)) {
          // A protocol-level answer (unknown tool, invalid output): no user input in it.
          this.#logger.warn({ tool: name, reason: describeError(error) }, 'mcp tool call rejected');
          return fail('error', FALLBACK_ERROR_MESSAGE);
        }
        this.#logger.info(
          { tool: name, reason: describeError(error) },
          'mcp connection failed during a tool call; reconnecting',
        );
        if (this.#session === session) {
          this.#session = undefined;
          void session.close().catch(() => undefined);
        }
        if (reconnected) {
          this.#connectFailed(error);
          return fail('unavailable', UNAVAILABLE_MESSAGE);
        }
        continue;
      }
      const text = textOf(result.content);
      if (result.isError === true) return fail('error', text || FALLBACK_ERROR_MESSAGE);
      const data = result.structuredContent ?? null;
      report('ok', { result: data });
      return { summary: text, data };
    }
  }
}

/** The store's MCP tools as a toolset: create one per call, pass it in the agent's `tools`. */
export function createMcpToolset(options: McpToolsetOptions): McpToolset {
  return new McpToolsetImpl(options);
}
