import { describe, expect, it } from 'vitest';
import type { CallEvent } from './call-event.js';
import { toCallRecordEntry } from './to-call-record.js';

const toolCall: CallEvent = {
  type: 'tool_call',
  at: 2_000,
  turn: undefined,
  callId: 'call_1',
  name: 'get_order_status',
  args: { order_id: 'O9002' },
  startedAt: 1_900,
  durationMs: 100,
  status: 'error',
  result: undefined,
  error: 'No such order',
  source: 'toolset',
};

describe('toCallRecordEntry', () => {
  it('writes a tool call with its fields in the record order, leaving out unknown ones', () => {
    expect(JSON.stringify(toCallRecordEntry(toolCall))).toBe(
      '{"type":"tool_call","at":2000,"callId":"call_1","name":"get_order_status",' +
        '"args":{"order_id":"O9002"},"startedAt":1900,"durationMs":100,"status":"error",' +
        '"error":"No such order","source":"toolset"}',
    );
  });

  it('keeps the whole latency (the data topic gets a part of it)', () => {
    expect(
      toCallRecordEntry({
        type: 'latency',
        at: 5_000,
        turn: 1,
        endOfSpeechAt: 3_000,
        firstAudioAt: 4_000,
        endOfSpeechToFirstAudioMs: 1_000,
        transcriptionDelayMs: 120,
        toolMs: 0,
        toolCalls: 0,
      }),
    ).toEqual({
      type: 'latency',
      at: 5_000,
      turn: 1,
      endOfSpeechAt: 3_000,
      firstAudioAt: 4_000,
      endOfSpeechToFirstAudioMs: 1_000,
      transcriptionDelayMs: 120,
      toolMs: 0,
      toolCalls: 0,
    });
  });

  it("leaves out the agent's live state and the end of the call (the recorder writes that)", () => {
    expect(toCallRecordEntry({ type: 'agent_state', at: 1, state: 'speaking' })).toBeUndefined();
    expect(toCallRecordEntry({ type: 'call_ended', at: 1, reason: 'done' })).toBeUndefined();
  });
});
