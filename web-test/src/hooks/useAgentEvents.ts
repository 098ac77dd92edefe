// Reads the agent's `agent.events` data topic and hands on only messages that match the contract.
import { useEffect, useRef } from 'react';
import { RoomEvent, type DataPacket_Kind, type RemoteParticipant, type Room } from 'livekit-client';
import {
  AGENT_EVENTS_TOPIC,
  decodeAgentEvent,
  type AgentEvent,
} from '@ecommerce-voicebot/contracts';

export type DataListener = (payload: Uint8Array, topic: string | undefined) => void;
/** Subscribes a listener to the room's data packets; returns the unsubscribe function. */
export type DataSubscriber = (listener: DataListener) => () => void;

/** A room's data packets as a DataSubscriber. */
export function roomDataSubscriber(room: Room): DataSubscriber {
  return (listener) => {
    const handler = (
      payload: Uint8Array,
      _participant?: RemoteParticipant,
      _kind?: DataPacket_Kind,
      topic?: string,
    ) => listener(payload, topic);
    room.on(RoomEvent.DataReceived, handler);
    return () => {
      room.off(RoomEvent.DataReceived, handler);
    };
  };
}

export interface AgentEventHandlers {
  onEvent(event: AgentEvent, receivedAt: number): void;
  /** A message on the topic that breaks the contract (it is dropped). */
  onMalformed?(reason: string): void;
}

/**
 * Calls `onEvent` for each valid message on `agent.events`, in arrival order. Other topics are not
 * looked at; messages of unknown types or versions are skipped silently (the contract says to);
 * malformed ones go to `onMalformed`.
 */
export function useAgentEvents(
  subscribe: DataSubscriber | undefined,
  handlers: AgentEventHandlers,
  now: () => number = Date.now,
): void {
  const latest = useRef({ handlers, now });
  useEffect(() => {
    latest.current = { handlers, now };
  });
  useEffect(() => {
    if (!subscribe) return undefined;
    return subscribe((payload, topic) => {
      if (topic !== AGENT_EVENTS_TOPIC) return;
      const { handlers: current, now: clock } = latest.current;
      const result = decodeAgentEvent(payload);
      if (result.ok) current.onEvent(result.event, clock());
      else if (!result.ignored) current.onMalformed?.(result.reason);
    });
  }, [subscribe]);
}
