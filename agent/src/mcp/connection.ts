// Keeps one MCP client session to the store's server for a toolset (one call): connects, notices
// when the session is lost, and reconnects in the background so a store outage heals mid-call.
import type { Logger } from 'pino';
import {
  describeError,
  type McpClientFactory,
  type McpClientSession,
  type McpConnection,
  type McpToolInfo,
} from './client.js';
import { createRetryTimer, retryDelay } from './retry.js';

export type McpToolsetStatus = 'connecting' | 'connected' | 'unavailable';

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

export interface McpSessionKeeperOptions {
  connection: McpConnection;
  /** Already normalized to E.164, or undefined. */
  callerNumber: string | undefined;
  factory: McpClientFactory;
  /** Bound on connecting (spawn or HTTP initialize) plus listing the tools. */
  connectTimeoutMs: number;
  /** Delays between background connection attempts; the last one repeats. */
  retryDelaysMs: readonly number[];
  logger: Logger;
  /** The server's tools, after every successful connection. */
  onTools: (tools: McpToolInfo[]) => void;
  onStatusChange?: ((status: McpToolsetStatus) => void) | undefined;
}

export interface McpSessionKeeper {
  status(): McpToolsetStatus;
  /** The working session, if there is one. */
  current(): McpClientSession | undefined;
  /**
   * One connection attempt, shared by concurrent callers, bounded by the connect timeout (and by
   * `timeoutMs`, the waiting tool call's remaining time).
   */
  connect(timeoutMs?: number): Promise<McpClientSession>;
  /** An attempt failed: the store is unavailable (said once) and is retried in the background. */
  failed(error: unknown): void;
  /** A tool call found the session broken: forget and close it, so the next call reconnects. */
  drop(session: McpClientSession): void;
  /** Stops retrying and closes the session, including one still connecting. */
  close(): Promise<void>;
}

export function createMcpSessionKeeper(options: McpSessionKeeperOptions): McpSessionKeeper {
  const { logger } = options;
  const retry = createRetryTimer();
  let status: McpToolsetStatus = 'connecting';
  let session: McpClientSession | undefined;
  let connecting: Promise<McpClientSession> | undefined;
  let closed = false;
  let connectedOnce = false;
  let failedAttempts = 0;
  let warned = false;

  const setStatus = (next: McpToolsetStatus): void => {
    if (status === next) return;
    status = next;
    try {
      options.onStatusChange?.(next);
    } catch (error) {
      logger.error({ reason: describeError(error) }, 'mcp onStatusChange listener failed');
    }
  };

  const scheduleRetry = (): void => {
    if (closed) return;
    retry.schedule(retryDelay(options.retryDelaysMs, failedAttempts), () => {
      if (closed || session !== undefined) return;
      connect().catch((error: unknown) => failed(error));
    });
  };

  /** The session ended on its own (child exited, server forgot it): drop it and reconnect. */
  const lost = (ended: McpClientSession): void => {
    if (session !== ended) return;
    session = undefined;
    void ended.close().catch(() => undefined);
    if (closed) return;
    logger.info('mcp session ended; reconnecting');
    setStatus('connecting');
    scheduleRetry();
  };

  function connect(timeoutMs?: number): Promise<McpClientSession> {
    if (connecting !== undefined) return connecting;
    const attempt = (async () => {
      const limit = Math.min(timeoutMs ?? Infinity, options.connectTimeoutMs);
      const deadline = performance.now() + limit;
      // The session ends on its own (a stdio child exiting): only once it is ours does that matter.
      const ref: { session?: McpClientSession } = {};
      const opened = await options.factory({
        connection: options.connection,
        callerNumber: options.callerNumber,
        timeoutMs: limit,
        onClose: () => {
          if (ref.session !== undefined) lost(ref.session);
        },
      });
      ref.session = opened;
      let tools: McpToolInfo[];
      try {
        if (closed) throw new Error('toolset closed');
        tools = await opened.listTools({ timeout: Math.max(1, deadline - performance.now()) });
      } catch (error) {
        await opened.close().catch(() => undefined);
        throw error;
      }
      if (closed) {
        await opened.close().catch(() => undefined);
        throw new Error('toolset closed');
      }
      session = opened;
      retry.cancel();
      if (failedAttempts > 0) {
        logger.info({ failedAttempts }, 'mcp server reachable again');
      } else {
        logger.debug({ tools: tools.length }, 'mcp server connected');
      }
      failedAttempts = 0;
      warned = false;
      connectedOnce = true;
      options.onTools(tools);
      setStatus('connected');
      return opened;
    })();
    connecting = attempt;
    const clear = () => {
      if (connecting === attempt) connecting = undefined;
    };
    attempt.then(clear, clear);
    return attempt;
  }

  function failed(error: unknown): void {
    if (closed) return;
    failedAttempts += 1;
    setStatus('unavailable');
    if (!warned) {
      warned = true;
      logger.warn(
        { reason: describeError(error), toolsExposed: connectedOnce },
        connectedOnce
          ? 'mcp server not reachable; retrying in the background'
          : 'mcp server not reachable; no store tools until it answers, retrying in the background',
      );
    }
    scheduleRetry();
  }

  return {
    status: () => status,
    current: () => session,
    connect,
    failed,
    drop(broken) {
      if (session !== broken) return;
      session = undefined;
      void broken.close().catch(() => undefined);
    },
    async close() {
      closed = true;
      retry.cancel();
      const pending = connecting;
      const open = session;
      session = undefined;
      await Promise.allSettled([
        open?.close(),
        pending?.then((late) => (late === open ? undefined : late.close())),
      ]);
    },
  };
}
