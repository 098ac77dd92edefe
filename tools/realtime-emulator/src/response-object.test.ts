import { describe, expect, it } from 'vitest';
import type { ConversationItemRecord } from './records.js';
import { estimateInputTokens, responseUsage } from './response-object.js';

describe('response usage', () => {
  it('counts text as chars/4, input audio 10 tokens/s and output audio 20 tokens/s', () => {
    const userAudio: ConversationItemRecord = {
      id: 'item_1',
      type: 'message',
      role: 'user',
      item: { type: 'message', role: 'user', content: [] },
      audioMs: 1000,
      truncatedAtMs: null,
    };
    const input = estimateInputTokens('x'.repeat(6), [userAudio]);
    // '[]' adds 2 characters: 8 / 4 = 2 text tokens; 1 s of audio = 10 tokens.
    expect(input).toEqual({ text: 2, audio: 10 });
    expect(responseUsage(input, { textChars: 8, audioMs: 500 })).toMatchObject({
      total_tokens: 12 + 2 + 10,
      input_tokens: 12,
      output_tokens: 12,
      output_token_details: { text_tokens: 2, audio_tokens: 10 },
    });
  });
});
