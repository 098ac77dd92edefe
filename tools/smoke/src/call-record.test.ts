import { describe, expect, it } from 'vitest';
import { parseCallRecord } from './call-record.js';

describe('parseCallRecord', () => {
  it('keeps tool calls, turns and latency lines, skipping others and a torn last line', () => {
    const text = [
      { type: 'call_started', at: 1, v: 1 },
      {
        type: 'tool_call',
        at: 2,
        name: 'get_order_status',
        args: { order_id: '9002' },
        status: 'ok',
      },
      { type: 'turn', at: 3, role: 'assistant', text: 'It is out for delivery.', index: 2 },
      { type: 'latency', at: 4, turn: 1, endOfSpeechToFirstAudioMs: 900, toolMs: 12 },
    ]
      .map((line) => JSON.stringify(line))
      .concat('{"type":"turn","at":')
      .join('\n');
    expect(parseCallRecord(text).map((line) => line.type)).toEqual([
      'tool_call',
      'turn',
      'latency',
    ]);
  });
});
