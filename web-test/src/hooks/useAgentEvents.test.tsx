// @vitest-environment jsdom
import { cleanup, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AGENT_EVENTS_TOPIC,
  parseAgentEvent,
  type AgentEvent,
} from '@ecommerce-voicebot/contracts';
import { useAgentEvents, type DataListener, type DataSubscriber } from './useAgentEvents';
import { toolCallMessage } from '../testing/agent-event-fixtures';

afterEach(cleanup);

function fakeRoom() {
  const listeners = new Set<DataListener>();
  const subscribe: DataSubscriber = (listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  /** `null`: a packet without a topic. */
  const send = (message: unknown, topic: string | null = AGENT_EVENTS_TOPIC) => {
    const payload =
      message instanceof Uint8Array ? message : new TextEncoder().encode(JSON.stringify(message));
    for (const listener of listeners) listener(payload, topic ?? undefined);
  };
  return { subscribe, send, listeners };
}

const toolCall = toolCallMessage();

describe('useAgentEvents', () => {
  it('passes on valid messages in order and ignores malformed ones', () => {
    const room = fakeRoom();
    const events: AgentEvent[] = [];
    const malformed: string[] = [];
    renderHook(() =>
      useAgentEvents(
        room.subscribe,
        { onEvent: (event) => events.push(event), onMalformed: (reason) => malformed.push(reason) },
        () => 42,
      ),
    );

    room.send({ type: 'agent_state', v: 1, at: 1763632800123, state: 'thinking' });
    room.send(new TextEncoder().encode('{not json'));
    room.send(new Uint8Array([0xff, 0xfe, 0x00]));
    room.send(['an', 'array']);
    room.send({ type: 'agent_state', v: 1, at: 1763632800123, state: 'dancing' });
    room.send({ ...toolCall, durationMs: '380' });
    room.send({ ...toolCall, callId: undefined });
    room.send({ ...toolCall, status: 'maybe' });
    room.send({ ...toolCall, truncated: true }); // a truncated result must be a string
    room.send({ type: 'latency', v: 1, at: 1763632804000, turn: 0, toolMs: 0 });
    room.send({ type: 'latency', v: 1, at: 1763632804000, turn: 1, toolMs: 0, ttftMs: -5 });
    room.send({ type: 'call_ended', v: 1, at: 'yesterday', reason: 'x' });
    room.send(toolCall);
    room.send({
      type: 'latency',
      v: 1,
      at: 1763632804000,
      turn: 1,
      eouDelayMs: 612,
      endOfSpeechToFirstAudioMs: 1350,
      ttftMs: 322,
      toolMs: 380,
    });
    room.send({ type: 'call_ended', v: 1, at: 1763632900000, reason: 'participant_disconnected' });

    expect(events.map((event) => event.type)).toEqual([
      'agent_state',
      'tool_call',
      'latency',
      'call_ended',
    ]);
    expect(events[1]).toEqual(toolCall);
    expect(malformed).toHaveLength(11);
  });

  it('skips other topics, unknown types and newer contract versions without complaint', () => {
    const room = fakeRoom();
    const onEvent = vi.fn();
    const onMalformed = vi.fn();
    renderHook(() => useAgentEvents(room.subscribe, { onEvent, onMalformed }));
    room.send(toolCall, 'lk.chat');
    room.send(toolCall, null);
    room.send({ type: 'turn_detected', v: 1, at: 1763632800000 });
    room.send({ ...toolCall, v: 2 });
    expect(onEvent).not.toHaveBeenCalled();
    expect(onMalformed).not.toHaveBeenCalled();
  });

  it('hands on the receive time and unsubscribes on unmount', () => {
    const room = fakeRoom();
    const onEvent = vi.fn();
    const { unmount } = renderHook(() => useAgentEvents(room.subscribe, { onEvent }, () => 7));
    room.send({ type: 'agent_state', v: 1, at: 1763632800123, state: 'speaking' });
    expect(onEvent).toHaveBeenCalledWith(
      { type: 'agent_state', v: 1, at: 1763632800123, state: 'speaking' },
      7,
    );
    unmount();
    expect(room.listeners.size).toBe(0);
  });
});

describe('parseAgentEvent', () => {
  it('keeps optional fields only when present', () => {
    const result = parseAgentEvent({ type: 'latency', v: 1, at: 1, turn: 2, toolMs: 0 });
    expect(result).toEqual({
      ok: true,
      event: { type: 'latency', v: 1, at: 1, turn: 2, toolMs: 0 },
    });
  });
});
