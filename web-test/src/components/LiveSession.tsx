// The parts that live inside a LiveKit room (RoomContext): the agent's audio and state, the data
// topic and transcription feeds into the session record, the local microphone level.
import { useEffect, useMemo, useRef } from 'react';
import {
  BarVisualizer,
  RoomAudioRenderer,
  StartAudio,
  useLocalParticipant,
  useVoiceAssistant,
} from '@livekit/components-react';
import { Track, type Room } from 'livekit-client';
import { roomDataSubscriber, useAgentEvents } from '../hooks/useAgentEvents';
import type { RecordDispatch } from '../hooks/useSessionRecord';
import { useTranscriptFeed } from '../hooks/useTranscriptFeed';
import { AgentJoinWarning } from './AgentJoinWarning';
import { AgentStatus, type AgentDisplayState } from './AgentStatus';

export interface SessionFeedsProps {
  room: Room;
  dispatch: RecordDispatch;
  now: () => number;
}

/** Feeds the record and plays the agent; renders only the audio elements and the unblock button. */
export function SessionFeeds({ room, dispatch, now }: SessionFeedsProps) {
  const subscribe = useMemo(() => roomDataSubscriber(room), [room]);
  useAgentEvents(
    subscribe,
    {
      onEvent: (event, receivedAt) => dispatch({ type: 'agent_event', event, receivedAt }),
      onMalformed: () => dispatch({ type: 'malformed_agent_event' }),
    },
    now,
  );
  useTranscriptFeed(room, dispatch, now);

  const { agent } = useVoiceAssistant();
  const announced = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (agent && announced.current !== agent.identity) {
      announced.current = agent.identity;
      dispatch({ type: 'agent_joined', identity: agent.identity, at: now() });
      dispatch({
        type: 'note',
        level: 'info',
        message: `agent ${agent.identity} joined`,
        at: now(),
      });
    } else if (!agent && announced.current !== undefined) {
      dispatch({
        type: 'note',
        level: 'info',
        message: `agent ${announced.current} left`,
        at: now(),
      });
      announced.current = undefined;
    }
  }, [agent, dispatch, now]);

  return (
    <>
      <RoomAudioRenderer />
      <StartAudio
        className="button button-primary start-audio"
        label="The browser blocked the agent’s audio: click to play it"
      />
    </>
  );
}

export interface LiveAgentStatusProps {
  connecting: boolean;
  roomName: string | undefined;
  /** When the tester's session started and when the agent joined (epoch ms), if it did. */
  startedAt: number | undefined;
  agentJoinedAt: number | undefined;
  /** Waiting in the switchboard's call queue: no agent yet, and none is missing. */
  queued?: boolean;
}

export function LiveAgentStatus({
  connecting,
  roomName,
  startedAt,
  agentJoinedAt,
  queued = false,
}: LiveAgentStatusProps) {
  const { agent, state, audioTrack } = useVoiceAssistant();
  const everJoined = agentJoinedAt !== undefined;
  let display: AgentDisplayState;
  if (connecting) display = 'connecting';
  else if (!agent) display = everJoined ? 'left' : 'waiting';
  else display = state === 'disconnected' ? 'connecting' : state;
  return (
    <AgentStatus
      state={display}
      joinedAfterMs={everJoined && startedAt !== undefined ? agentJoinedAt - startedAt : undefined}
      visualizer={<BarVisualizer state={state} track={audioTrack} barCount={7} />}
      warning={
        <AgentJoinWarning
          waiting={!connecting && !everJoined}
          queued={queued}
          roomName={roomName}
        />
      }
    />
  );
}

/** The local microphone's level, so testers see that their voice goes out. */
export function LocalMicMeter() {
  const { microphoneTrack, localParticipant } = useLocalParticipant();
  if (!microphoneTrack) return null;
  return (
    <BarVisualizer
      barCount={12}
      track={{
        participant: localParticipant,
        publication: microphoneTrack,
        source: Track.Source.Microphone,
      }}
      options={{ minHeight: 8 }}
    />
  );
}
