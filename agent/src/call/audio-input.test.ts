import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callerAudioFrameMs, callerInputOptions, MODEL_INPUT_CHUNK_MS } from './audio-input.js';

describe('caller audio input', () => {
  it("reads the caller in the model's chunk size when the model ends turns", () => {
    expect(callerAudioFrameMs('server')).toBe(MODEL_INPUT_CHUNK_MS);
    expect(callerInputOptions('sip_caller', 'server')).toEqual({
      participantIdentity: 'sip_caller',
      audioFrameSizeMs: 100,
    });
  });

  it("keeps the framework's 10 ms frames for the local VAD, which would end turns later", () => {
    expect(callerAudioFrameMs('vad')).toBeUndefined();
    expect(callerInputOptions('sip_caller', 'vad')).toEqual({ participantIdentity: 'sip_caller' });
  });
});

describe('the OpenAI plugin', () => {
  it('still sends the caller audio in 100 ms chunks (what MODEL_INPUT_CHUNK_MS stands for)', () => {
    const plugin = dirname(createRequire(import.meta.url).resolve('@livekit/agents-plugin-openai'));
    const realtime = readFileSync(join(plugin, 'realtime', 'realtime_model.js'), 'utf8');
    expect(realtime).toContain('new AudioByteStream(SAMPLE_RATE, NUM_CHANNELS, SAMPLE_RATE / 10)');
    expect(MODEL_INPUT_CHUNK_MS).toBe(1000 / 10);
  });
});
