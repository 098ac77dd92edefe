/**
 * What the call observer, the call record and the room publisher share: a clock, a logger, and the
 * tool-call report our MCP toolset sends for every tool invocation.
 */

/** Milliseconds since the epoch (`Date.now` in production; tests inject their own). */
export type Clock = () => number;

/**
 * The few pino methods these modules use; a pino `Logger` satisfies it. Messages and fields never
 * carry phone numbers, emails or transcripts.
 */
export interface CallLogger {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

import type { ToolStatus } from '@ecommerce-voicebot/contracts';

export type ToolCallStatus = ToolStatus;

/** One tool invocation, as the MCP toolset reports it to `CallObserver.toolCall`. */
export interface ToolCallEvent {
  /**
   * The tool invocation's id: pass the framework's `toolCallId` (from the tool's `execute` options)
   * so it matches the `function_tools_executed` event's `FunctionCall.callId`.
   */
  callId: string;
  name: string;
  args: unknown;
  /** Epoch ms when the tool was called. */
  startedAt: number;
  durationMs: number;
  status: ToolCallStatus;
  result?: unknown;
  /** A short, caller-safe error message. */
  error?: string;
}
