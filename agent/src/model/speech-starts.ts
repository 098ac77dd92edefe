// When the caller started each turn, by the id of the user message the model will make of it:
// the Realtime plugin (1.9) gives the framework no start time for a transcribed turn, so the
// framework dates the caller's message when its transcript arrives, often after the answer. The
// server's `input_audio_buffer.speech_started` names the item; the call record orders by it.
import type * as openai from '@livekit/agents-plugin-openai';
import { watchServerEvents } from './server-events.js';

/** Calls `onStart(itemId, at)` for every caller turn the model's voice detection starts. */
export function watchSpeechStarts(
  model: openai.realtime.RealtimeModel,
  onStart: (itemId: string, at: number) => void,
  now: () => number = Date.now,
): void {
  watchServerEvents(model, () => ({
    event(event) {
      if (event.type === 'input_audio_buffer.speech_started' && typeof event.item_id === 'string')
        onStart(event.item_id, now());
    },
  }));
}
