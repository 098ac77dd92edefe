import type { ToolAnnotations as McpToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { CallerSession } from '../caller-session.js';
import { normalizeId, type IdKind } from '../store/ids.js';
import type { Store } from '../store/store.js';

export interface ToolContext {
  /** The snapshot to answer from; read once per call so one answer never mixes two reloads. */
  store(): Store;
  session: CallerSession;
}

export interface ToolReply<Output> {
  structured: Output;
  /** A short answer a voice agent can read out. */
  text: string;
}

/**
 * MCP tool annotations with every hint required: the spec's defaults (not read-only, destructive,
 * open world) fit none of these tools, so each one states what it really does.
 */
export type ToolAnnotations = Required<
  Pick<
    McpToolAnnotations,
    'title' | 'readOnlyHint' | 'destructiveHint' | 'idempotentHint' | 'openWorldHint'
  >
>;

export interface ToolDefinition<Input extends z.ZodRawShape, Output extends z.ZodRawShape> {
  name: string;
  description: string;
  /** Its title is also registered as the tool's display title. */
  annotations: ToolAnnotations;
  inputSchema: Input;
  outputSchema: Output;
  // Status literals in handlers need `as const`: TypeScript widens them through z.infer.
  handler(
    args: z.infer<z.ZodObject<Input>>,
    context: ToolContext,
  ): ToolReply<z.infer<z.ZodObject<Output>>>;
}

/** Type-erased tool, so tools with different schemas sit in one registry list. */
export type AnyTool = ToolDefinition<z.ZodRawShape, z.ZodRawShape>;

export function defineTool<Input extends z.ZodRawShape, Output extends z.ZodRawShape>(
  tool: ToolDefinition<Input, Output>,
): AnyTool {
  return tool as unknown as AnyTool;
}

/** A bad argument: reported to the model as a tool error with this (input-free) message. */
export class ToolInputError extends Error {
  override name = 'ToolInputError';
}

// Control characters other than tab and line breaks: no caller says them.
const CONTROL_CHARACTERS = /(?![\t\n\r])\p{Cc}/u;

/** A text argument with a length bound and no control characters; messages never echo the input. */
export function textArgument(description: string, maxLength: number) {
  return z
    .string({ error: 'must be a string' })
    .max(maxLength, { error: `is too long (at most ${maxLength} characters)` })
    .refine((value) => !CONTROL_CHARACTERS.test(value), { error: 'contains control characters' })
    .describe(description);
}

export function idArgument(description: string) {
  return textArgument(description, 64);
}

/** Normalizes an id argument or throws a ToolInputError that says what a valid one looks like. */
export function requireId(kind: IdKind, raw: string): string {
  const normalized = normalizeId(kind, raw);
  if (!normalized.ok) throw new ToolInputError(normalized.message);
  return normalized.id;
}
