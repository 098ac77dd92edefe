// What the model is told about a tool call: the server's answer as summary and data, or a short
// instruction it can act on when the call failed. None of these texts quote the caller.
import type { McpCallResult } from './client.js';

export const TIMEOUT_MESSAGE =
  'The store system did not answer in time. Tell the customer you could not look that up just now; ' +
  'offer to try again in a moment or to help with something else. Do not guess the answer.';
export const UNAVAILABLE_MESSAGE =
  'The store system is not reachable right now. Apologise, tell the customer you cannot look this up ' +
  'at the moment, and offer to help with something else or to have them call back later. Do not guess.';
export const CANCELLED_MESSAGE = 'The request was cancelled.';
export const FALLBACK_ERROR_MESSAGE = 'The store system could not answer that request.';

export function blockedMessage(name: string, max: number): string {
  return (
    `Stop: ${name} was already called ${max} times with these same arguments in this call and ` +
    'will give the same answer. Do not call it again with them. Use the answer you already have, ' +
    'ask the customer to confirm or correct the details, or offer another way to help.'
  );
}

/**
 * Why `callTool` failed. `timeout`: the request's deadline passed (the SDK uses the same code for
 * aborts). `answer`: an MCP protocol error from the server (unknown tool, invalid output), which a
 * new session would not change. `connection`: the server is gone, forgot the session, or the
 * child exited, so reconnecting may help.
 */
export type CallFailure = 'timeout' | 'answer' | 'connection';

export function classifyCallError(error: unknown): CallFailure {
  if (error === null || typeof error !== 'object') return 'connection';
  const { name, code } = error as { name?: unknown; code?: unknown };
  if (name !== 'McpError') return 'connection';
  if (code === -32001) return 'timeout';
  return code === -32000 ? 'connection' : 'answer';
}

export type ToolAnswer =
  | { ok: true; summary: string; data: unknown }
  /** The server answered with a tool error: its text (or a generic one) is the model's message. */
  | { ok: false; message: string };

/** The tool's text content as the summary and its structured content as the data. */
export function toolAnswer(result: McpCallResult): ToolAnswer {
  const text = textOf(result.content);
  if (result.isError === true) return { ok: false, message: text || FALLBACK_ERROR_MESSAGE };
  return { ok: true, summary: text, data: result.structuredContent ?? null };
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
