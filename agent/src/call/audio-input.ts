// How the caller's audio is read from the room. The OpenAI plugin sends the model the caller's
// audio in 100 ms chunks (its AudioByteStream of SAMPLE_RATE / 10), so with the model's own turn
// detection frames of that size reach the model no later than ten 10 ms frames would, at a tenth
// of the per-frame work (agent/scripts/framework-patches.ts carries the option to rtc-node).
// The local VAD sees every frame as it comes: there, bigger frames would end turns later, so it
// keeps the framework's default.
import type { voice } from '@livekit/agents';
import type { AgentConfig } from '../config.js';

/** The OpenAI plugin's input chunk (ms). */
export const MODEL_INPUT_CHUNK_MS = 100;

/** The caller audio frame size for a session, or undefined for the framework's default (10 ms). */
export function callerAudioFrameMs(
  turnDetection: AgentConfig['turnDetection'],
): number | undefined {
  return turnDetection === 'server' ? MODEL_INPUT_CHUNK_MS : undefined;
}

/**
 * Room input options with the caller's frame size: `audioFrameSizeMs` is not in the framework's
 * types; the bundle's framework patch reads it.
 */
export function callerInputOptions(
  participantIdentity: string,
  turnDetection: AgentConfig['turnDetection'],
): Partial<voice.RoomInputOptions> {
  const options: Partial<voice.RoomInputOptions> & { audioFrameSizeMs?: number } = {
    participantIdentity,
  };
  const frameMs = callerAudioFrameMs(turnDetection);
  if (frameMs !== undefined) options.audioFrameSizeMs = frameMs;
  return options;
}
