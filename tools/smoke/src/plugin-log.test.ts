import { describe, expect, it } from 'vitest';
import { createPluginLogCollector, parsePluginLogLine } from './plugin-log.js';
import { compactValue, fromJsonLines, toJsonLines } from './realtime-events.js';

// As the 1.9 plugin logs them through the framework's pino logger (LK_OPENAI_DEBUG=1).
const sent = JSON.stringify({
  level: 20,
  time: 1,
  pid: 7,
  eventType: 'response.create',
  'lk.pii.event': { type: 'response.create', event_id: 'e1', response: { instructions: 'hi' } },
  msg: 'sent OpenAI Realtime client event',
});
const received = JSON.stringify({
  level: 20,
  eventType: 'response.output_audio.delta',
  'lk.pii.event': { type: 'response.output_audio.delta', delta: 'A'.repeat(4000) },
  msg: 'received OpenAI Realtime server event',
});

describe('parsePluginLogLine', () => {
  it('reads sent and received events from prefixed agent lines, coloured or not', () => {
    expect(parsePluginLogLine(`[agent] ${sent}`)).toEqual({
      direction: 'client',
      type: 'response.create',
      event: { type: 'response.create', event_id: 'e1', response: { instructions: 'hi' } },
    });
    expect(parsePluginLogLine(`\u001b[36m[agent]\u001b[0m ${received}`)?.direction).toBe('server');
  });

  it('ignores other lines', () => {
    expect(parsePluginLogLine('[agent] {"msg":"unhandled event: x"}')).toBeUndefined();
    expect(parsePluginLogLine('[agent] OpenAI Realtime {not json')).toBeUndefined();
    expect(parsePluginLogLine('[mcp] plain text')).toBeUndefined();
  });
});

describe('createPluginLogCollector', () => {
  it('keeps agent lines only, in order, with long strings cut', () => {
    const collector = createPluginLogCollector();
    collector.onLine(`[agent] ${sent}`);
    collector.onLine(`[emulator] ${sent}`);
    collector.onLine(`[agent] ${received}`);
    const events = collector.events();
    expect(events.map((e) => e.type)).toEqual(['response.create', 'response.output_audio.delta']);
    expect(events[1]!.event.delta).toBe('<4000 chars>');
    expect(fromJsonLines(toJsonLines(events))).toEqual(events);
  });
});

describe('compactValue', () => {
  it('keeps short strings and every field', () => {
    expect(compactValue({ a: ['x', 'y'.repeat(200)], b: 1, c: null })).toEqual({
      a: ['x', '<200 chars>'],
      b: 1,
      c: null,
    });
  });
});
