import { describe, expect, it } from 'vitest';
import { fakeRealtimeModel } from '../testing/fake-realtime-model.js';
import { watchSpeechStarts } from './speech-starts.js';

describe('watchSpeechStarts', () => {
  it("reports each caller turn's item with when the server heard it start, in every session", () => {
    const { model, sessions } = fakeRealtimeModel();
    const starts: [string, number][] = [];
    let clock = 1_000;
    watchSpeechStarts(
      model,
      (itemId, at) => starts.push([itemId, at]),
      () => clock,
    );
    model.session();
    sessions[0]!.emit('openai_server_event_received', {
      type: 'input_audio_buffer.speech_started',
      item_id: 'item_1',
      audio_start_ms: 120,
    });
    sessions[0]!.emit('openai_server_event_received', { type: 'response.created' });
    clock = 5_000;
    model.session(); // the plugin reconnected
    sessions[1]!.emit('openai_server_event_received', {
      type: 'input_audio_buffer.speech_started',
      item_id: 'item_2',
    });
    expect(starts).toEqual([
      ['item_1', 1_000],
      ['item_2', 5_000],
    ]);
  });
});
