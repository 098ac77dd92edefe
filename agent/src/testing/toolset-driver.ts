// Drives an MCP toolset the way the framework does (setup, then tools' execute), for the toolset's
// unit tests here and its tests against the real MCP server in e2e/.
import { llm, type voice } from '@livekit/agents';
import {
  createMcpToolset,
  type McpToolCallEvent,
  type McpToolset,
  type McpToolsetOptions,
  type McpToolsetStatus,
} from '../mcp/toolset.js';
import { recordingLogger } from './recording-logger.js';

export interface DrivenToolset {
  toolset: McpToolset;
  /** The tools as last advertised to the framework. */
  tools: () => Map<string, llm.FunctionTool>;
  /** How many times the toolset advertised its tools. */
  updates: number;
  events: McpToolCallEvent[];
  statuses: McpToolsetStatus[];
  /** Every log line, to check that nothing personal is logged. */
  lines: string[];
  call: (name: string, args?: Record<string, unknown>, signal?: AbortSignal) => Promise<unknown>;
}

/**
 * Creates the toolset (quick retries, a recording logger, events and statuses collected), hands
 * it to `track` before setup so a test can close it even when setup throws, then sets it up.
 */
export async function driveToolset(
  options: Partial<McpToolsetOptions> & Pick<McpToolsetOptions, 'connection'>,
  track: (driven: DrivenToolset) => void = () => undefined,
): Promise<DrivenToolset> {
  const { logger, lines } = recordingLogger();
  let current = new Map<string, llm.FunctionTool>();
  let callNumber = 0;
  const h: DrivenToolset = {
    toolset: createMcpToolset({
      logger,
      retryDelaysMs: [50],
      onToolCall: (event) => h.events.push(event),
      onStatusChange: (status) => h.statuses.push(status),
      ...options,
    }),
    tools: () => current,
    updates: 0,
    events: [],
    statuses: [],
    lines,
    async call(name, args = {}, signal = new AbortController().signal) {
      const tool = current.get(name);
      if (tool === undefined) throw new Error(`no tool ${name}`);
      callNumber += 1;
      return tool.execute(args as Parameters<llm.FunctionTool['execute']>[0], {
        ctx: {} as voice.RunContext,
        toolCallId: `call_${callNumber}`,
        abortSignal: signal,
      });
    },
  };
  track(h);
  await h.toolset.setup({
    // What the framework's updateTools does (agent_activity.js), minus re-advertising.
    updateTools: (tools) => {
      h.toolset._setTools(tools);
      h.updates += 1;
      current = new Map(
        tools.filter(llm.isFunctionTool).map((tool) => [tool.name, tool as llm.FunctionTool]),
      );
    },
  });
  return h;
}
