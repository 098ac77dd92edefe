import { describe, expect, it } from 'vitest';
import type {
  RecordedClientEvent,
  RecordedServerEvent,
} from '@ecommerce-voicebot/realtime-emulator';
import { splitTurn } from './turn-split.js';

let seq = 0;
const fromClient = (
  receivedAt: number,
  type: string,
  event: Record<string, unknown> = {},
  sessionId = 's1',
): RecordedClientEvent => ({ seq: ++seq, sessionId, receivedAt, type, event: { type, ...event } });
const fromServer = (
  sentAt: number,
  type: string,
  event: Record<string, unknown> = {},
  sessionId = 's1',
): RecordedServerEvent => ({ seq: ++seq, sessionId, sentAt, type, event: { type, ...event } });

describe('splitTurn', () => {
  it('splits a local-VAD turn answered at once', () => {
    const split = splitTurn({
      sessionId: 's1',
      endOfSpeechAt: 1_000,
      firstAudibleAt: 1_700,
      client: [
        fromClient(900, 'input_audio_buffer.commit'), // an earlier turn's
        fromClient(1_560, 'input_audio_buffer.commit'),
        fromClient(1_580, 'response.create'),
        fromClient(1_500, 'response.create', {}, 'other-call'),
      ],
      server: [
        fromServer(1_585, 'response.created'),
        fromServer(1_590, 'response.output_audio.delta'),
        fromServer(1_640, 'response.output_audio.delta'),
      ],
    });
    expect(split).toEqual({
      totalMs: 700,
      endOfSpeechMs: 560,
      agentMs: 20,
      toolRoundTripMs: 0,
      mcpMs: 0,
      modelMs: 10,
      mediaMs: 110,
      firstChunkAt: 1_590,
      heardAt: 1_700,
    });
  });

  it('splits a turn with a tool call, MCP time from the toolset, the rest of the round trip to the agent', () => {
    const split = splitTurn({
      sessionId: 's1',
      endOfSpeechAt: 0,
      firstAudibleAt: 1_000,
      toolDurations: new Map([['call_1', 12]]),
      client: [
        fromClient(550, 'input_audio_buffer.commit'),
        fromClient(570, 'response.create'),
        fromClient(600, 'conversation.item.create', {
          item: { type: 'function_call_output', call_id: 'call_1', output: '{}' },
        }),
        fromClient(610, 'response.create'),
      ],
      server: [
        fromServer(575, 'response.output_item.done', {
          item: { type: 'function_call', call_id: 'call_1', name: 'get_order_status' },
        }),
        fromServer(615, 'response.output_audio.delta'),
      ],
    });
    expect(split).toEqual({
      totalMs: 1_000,
      endOfSpeechMs: 550,
      agentMs: 20 + (25 - 12) + 10,
      toolRoundTripMs: 25,
      mcpMs: 12,
      modelMs: 5 + 5,
      mediaMs: 385,
      firstChunkAt: expect.any(Number),
      heardAt: expect.any(Number),
    });
  });

  it('ends a server-VAD turn at speech_stopped; the model creates the response itself', () => {
    const split = splitTurn({
      sessionId: 's1',
      endOfSpeechAt: 0,
      firstAudibleAt: 800,
      client: [],
      server: [
        fromServer(600, 'input_audio_buffer.speech_stopped'),
        fromServer(605, 'response.output_audio.delta'),
      ],
    });
    expect(split).toMatchObject({ endOfSpeechMs: 600, agentMs: 0, modelMs: 5, mediaMs: 195 });
  });

  it('says which event is missing', () => {
    const base = { sessionId: 's1', endOfSpeechAt: 0, firstAudibleAt: 800, client: [] };
    expect(splitTurn({ ...base, server: [] })).toMatch(/no audio chunk/);
    expect(
      splitTurn({ ...base, server: [fromServer(100, 'response.output_audio.delta')] }),
    ).toMatch(/no end of turn/);
  });
});
