// The OpenAI plugin's own record of a Realtime session, read from the agent's output. With
// LK_OPENAI_DEBUG=1 (@livekit/agents-plugin-openai 1.9, dist/realtime/realtime_model.js) the plugin
// logs at debug level, through the framework's pino logger (JSON lines on the agent's stdout with
// `start` and LOG_LEVEL=debug; job processes share it), every client event it sends except
// `input_audio_buffer.append` ("sent OpenAI Realtime client event") and every server event it
// receives ("received OpenAI Realtime server event"), the event itself under "lk.pii.event"
// (`audio` fields replaced by "...").
import { compactEvent, type RealtimeEvent } from './realtime-events.js';

export const PLUGIN_DEBUG_ENV = { LK_OPENAI_DEBUG: '1', LOG_LEVEL: 'debug' } as const;

const MESSAGES: Readonly<Record<string, RealtimeEvent['direction']>> = {
  'sent OpenAI Realtime client event': 'client',
  'received OpenAI Realtime server event': 'server',
};

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/**
 * The Realtime event a line of the stack's output carries, or undefined. Lines come prefixed with
 * the process name (`[agent] {...}`, coloured on a terminal).
 */
export function parsePluginLogLine(line: string): RealtimeEvent | undefined {
  const plain = line.replace(ANSI, '');
  const start = plain.indexOf('{');
  if (start < 0 || !plain.includes('OpenAI Realtime')) return undefined;
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(plain.slice(start)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const direction = typeof record.msg === 'string' ? MESSAGES[record.msg] : undefined;
  const event = record['lk.pii.event'];
  if (direction === undefined || event === null || typeof event !== 'object') return undefined;
  const type = (event as { type?: unknown }).type;
  if (typeof type !== 'string') return undefined;
  return { direction, type, event: event as Record<string, unknown> };
}

/** Collects the plugin's events (compacted) from the stack's output lines, in order. */
export function createPluginLogCollector(): {
  onLine(line: string): void;
  events(): RealtimeEvent[];
} {
  const events: RealtimeEvent[] = [];
  return {
    onLine(line) {
      if (!line.replace(ANSI, '').startsWith('[agent]')) return;
      const event = parsePluginLogLine(line);
      if (event !== undefined) events.push(compactEvent(event));
    },
    events: () => [...events],
  };
}
