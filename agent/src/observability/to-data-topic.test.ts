import { parseAgentEvent } from '@ecommerce-voicebot/contracts';
import { describe, expect, it } from 'vitest';
import type { CallEvent } from './call-event.js';
import { EMAIL_MARKER } from './redact.js';
import { queueConnectedMessage, toAgentEventMessage } from './to-data-topic.js';

describe('toAgentEventMessage', () => {
  it('sends a tool call without the record-only fields, in the contract order', () => {
    const event: CallEvent = {
      type: 'tool_call',
      at: 2_000,
      turn: 1,
      callId: 'call_1',
      name: 'get_order_status',
      args: { order_id: 'O9002' },
      startedAt: 1_900,
      durationMs: 100,
      status: 'ok',
      result: { status: 'found' },
      error: undefined,
      source: 'toolset',
    };
    expect(JSON.stringify(toAgentEventMessage(event))).toBe(
      '{"type":"tool_call","v":1,"at":2000,"callId":"call_1","name":"get_order_status",' +
        '"args":{"order_id":"O9002"},"status":"ok","durationMs":100,"result":{"status":"found"}}',
    );
  });

  it("sends a turn's latency without its timestamps and counts", () => {
    expect(
      toAgentEventMessage({
        type: 'latency',
        at: 5_000,
        turn: 2,
        endOfSpeechAt: 3_000,
        firstAudioAt: 4_000,
        endOfSpeechToFirstAudioMs: 1_000,
        eouDelayMs: 600,
        transcriptionDelayMs: 120,
        ttftMs: 300,
        toolMs: 0,
        toolCalls: 0,
      }),
    ).toEqual({
      type: 'latency',
      v: 1,
      at: 5_000,
      turn: 2,
      eouDelayMs: 600,
      endOfSpeechToFirstAudioMs: 1_000,
      ttftMs: 300,
      toolMs: 0,
    });
  });

  it('shows QA that verify_customer got an email, never which, nor any other address', () => {
    const event: CallEvent = {
      type: 'tool_call',
      at: 2_000,
      turn: 1,
      callId: 'call_2',
      name: 'verify_customer',
      args: { order_id: 'O9002', email: 'JANE.DOE@example.com' },
      startedAt: 1_900,
      durationMs: 40,
      status: 'ok',
      result: { status: 'not_verified', attempts_left: 2 },
      error: undefined,
      source: 'toolset',
    };
    expect(toAgentEventMessage(event)).toMatchObject({
      args: { order_id: 'O9002', email: EMAIL_MARKER },
      result: { status: 'not_verified', attempts_left: 2 },
    });

    const other = toAgentEventMessage({
      ...event,
      name: 'some_tool',
      args: { contact_email: ['jane@example.com'], text: 'jane at example dot com' },
      status: 'error',
      result: { owner: 'ops@store.example' },
      error: 'unknown address jane@example.com',
    });
    expect(other).toMatchObject({
      args: { contact_email: [EMAIL_MARKER], text: EMAIL_MARKER },
      result: { owner: EMAIL_MARKER },
      error: `unknown address ${EMAIL_MARKER}`,
    });
    expect(JSON.stringify(other)).not.toMatch(/jane|example/i);
  });

  it('keeps the transcript and error messages off the data topic', () => {
    expect(
      toAgentEventMessage({
        type: 'turn',
        at: 1,
        index: 1,
        role: 'user',
        text: 'hello',
        interrupted: false,
        itemId: 'i1',
        createdAt: 1,
      }),
    ).toBeUndefined();
    expect(
      toAgentEventMessage({
        type: 'error',
        at: 1,
        errorType: 'realtime_model_error',
        message: 'quota',
        recoverable: false,
      }),
    ).toBeUndefined();
  });
});

describe('queueConnectedMessage', () => {
  it("tells the tester's page the wait the switchboard's dispatch reported, in the contract", () => {
    const message = queueConnectedMessage({ waitedMs: 12_345, position: 2 }, 7_000);
    expect(message).toEqual({
      type: 'queue',
      v: 1,
      at: 7_000,
      state: 'connected',
      position: 2,
      waitedMs: 12_345,
    });
    expect(parseAgentEvent(JSON.parse(JSON.stringify(message)))).toEqual({
      ok: true,
      event: message,
    });
  });
});
