import { describe, expect, it } from 'vitest';
import type { CallEvent } from './call-event.js';
import { EMAIL_MARKER } from './redact.js';
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

  it("never keeps verify_customer's email (the caller's secret), nor any other address", () => {
    const verify: CallEvent = {
      ...toolCall,
      name: 'verify_customer',
      args: { customer_id: 'C5000', email: 'Jane.Doe+shop@Example.co.uk' },
      status: 'ok',
      result: { status: 'verified', customer_id: 'C5000', first_name: 'Jane' },
      error: undefined,
    };
    const entry = toCallRecordEntry(verify);
    expect(entry).toMatchObject({
      args: { customer_id: 'C5000', email: EMAIL_MARKER },
      result: { status: 'verified', customer_id: 'C5000', first_name: 'Jane' },
    });

    // Whatever shape the model gave it, and wherever another tool returns or quotes one.
    const other = toCallRecordEntry({
      ...toolCall,
      name: 'some_tool',
      args: { email: 'jane example com', note: 'mail jane@example.com please' },
      status: 'error',
      result: { contact: { Email: 'jane@example.com' }, rows: ['ops@store.example'] },
      error: 'No account for jane@example.com.',
    });
    expect(other).toMatchObject({
      args: { email: EMAIL_MARKER, note: `mail ${EMAIL_MARKER} please` },
      result: { contact: { Email: EMAIL_MARKER }, rows: [EMAIL_MARKER] },
      error: `No account for ${EMAIL_MARKER}.`,
    });
    expect(JSON.stringify([entry, other])).not.toMatch(/@|example/i);
  });

  it('replaces email addresses in the transcript and in error messages, written or spoken', () => {
    const turn = toCallRecordEntry({
      type: 'turn',
      at: 1,
      index: 2,
      role: 'user',
      text: 'It is C5000 and my email is jane dot doe at example dot com, or jane@example.com.',
      interrupted: false,
      itemId: 'i2',
      createdAt: 1,
    });
    expect(turn).toMatchObject({
      text: `It is C5000 and my email is ${EMAIL_MARKER}, or ${EMAIL_MARKER}.`,
    });
    const error = toCallRecordEntry({
      type: 'error',
      at: 1,
      errorType: 'realtime_model_error',
      message: 'bad input near "jane@example.com"',
      recoverable: true,
    });
    expect(error).toMatchObject({ message: `bad input near "${EMAIL_MARKER}"` });
  });

  it("leaves out the agent's live state and the end of the call (the recorder writes that)", () => {
    expect(toCallRecordEntry({ type: 'agent_state', at: 1, state: 'speaking' })).toBeUndefined();
    expect(toCallRecordEntry({ type: 'call_ended', at: 1, reason: 'done' })).toBeUndefined();
  });
});
