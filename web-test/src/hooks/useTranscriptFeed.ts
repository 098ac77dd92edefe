// The framework's transcriptions (text streams on `lk.transcription`, through components-react's
// useTranscriptions) into the session record, so they outlive the room.
import { useEffect } from 'react';
import { useTranscriptions, type TextStreamData } from '@livekit/components-react';
import type { Room } from 'livekit-client';
import type { TranscriptEntry } from '../record';
import type { RecordDispatch } from './useSessionRecord';

const SEGMENT_ID = 'lk.segment_id';
const FINAL = 'lk.transcription_final';
const TRANSCRIBED_TRACK = 'lk.transcribed_track_id';

/** One transcription stream → a transcript entry (without the page's receive time). */
export function toTranscriptEntry(
  stream: TextStreamData,
  local: { identity: string; trackSids: ReadonlySet<string> },
  fallbackAt: number,
): Omit<TranscriptEntry, 'receivedAt'> {
  const attributes = stream.streamInfo.attributes ?? {};
  const track = attributes[TRANSCRIBED_TRACK];
  const isUser =
    stream.participantInfo.identity === local.identity ||
    (track !== undefined && local.trackSids.has(track));
  const at = stream.streamInfo.timestamp;
  return {
    id: attributes[SEGMENT_ID] ?? stream.streamInfo.id,
    speaker: isUser ? 'user' : 'agent',
    text: stream.text,
    final: attributes[FINAL] === 'true',
    at: Number.isFinite(at) && at > 0 ? at : fallbackAt,
  };
}

export function useTranscriptFeed(room: Room, dispatch: RecordDispatch, now: () => number): void {
  const streams = useTranscriptions({ room });
  useEffect(() => {
    const local = {
      identity: room.localParticipant.identity,
      trackSids: new Set(room.localParticipant.trackPublications.keys()),
    };
    const receivedAt = now();
    for (const stream of streams) {
      if (stream.text === '') continue;
      dispatch({
        type: 'transcript',
        entry: toTranscriptEntry(stream, local, receivedAt),
        receivedAt,
      });
    }
  }, [streams, room, dispatch, now]);
}
