// The `response` object of `response.created` / `response.done` in each dialect, and its `usage`
// (text ≈ chars/4 tokens, input audio 10 tokens/s, output audio 20 tokens/s).
import type { SessionConfig } from './protocol.js';
import type { ConversationItemRecord } from './records.js';
import type { ActiveResponse } from './response-stream.js';
import { estimateTextTokens } from './text.js';
import type { RealtimeResponse, RealtimeResponseUsage } from './wire-types.js';

export interface InputTokens {
  text: number;
  audio: number;
}

/** Input tokens of a response: its instructions plus the whole conversation so far. */
export function estimateInputTokens(
  instructions: string,
  conversation: readonly ConversationItemRecord[],
): InputTokens {
  let text = instructions;
  let audioMs = 0;
  for (const c of conversation) {
    const item = c.item;
    text += JSON.stringify(
      'content' in item
        ? item.content
        : 'arguments' in item
          ? item.arguments
          : 'output' in item
            ? item.output
            : '',
    );
    if (c.role === 'user' && c.audioMs) audioMs += c.audioMs;
  }
  return { text: estimateTextTokens(text), audio: Math.ceil(audioMs / 100) };
}

export function responseUsage(
  inputTokens: InputTokens,
  out: { textChars: number; audioMs: number },
): RealtimeResponseUsage {
  const outText = Math.ceil(out.textChars / 4);
  const outAudio = Math.ceil(out.audioMs / 50);
  const input = inputTokens.text + inputTokens.audio;
  return {
    total_tokens: input + outText + outAudio,
    input_tokens: input,
    output_tokens: outText + outAudio,
    input_token_details: {
      text_tokens: inputTokens.text,
      audio_tokens: inputTokens.audio,
      image_tokens: 0,
      cached_tokens: 0,
      cached_tokens_details: { text_tokens: 0, audio_tokens: 0, image_tokens: 0 },
    },
    output_token_details: { text_tokens: outText, audio_tokens: outAudio },
  };
}

export type ResponseStatus = NonNullable<RealtimeResponse['status']>;

/**
 * The GA `response` object. Fields the published type does not allow to be null are left out:
 * `status_details` until a response is cancelled, `conversation_id` for out-of-band responses.
 */
export function responseObject(
  config: SessionConfig,
  active: ActiveResponse,
  status: ResponseStatus,
  usage: RealtimeResponseUsage | null = null,
): RealtimeResponse {
  const r = active.record;
  return {
    object: 'realtime.response',
    id: r.id,
    status,
    ...(status === 'cancelled'
      ? {
          status_details: {
            type: 'cancelled' as const,
            reason:
              r.cancelReason === 'turn_detected'
                ? ('turn_detected' as const)
                : ('client_cancelled' as const),
          },
        }
      : {}),
    output: active.output,
    ...(active.outOfBand ? {} : { conversation_id: active.conversationId }),
    output_modalities: r.modalities,
    max_output_tokens: config.maxOutputTokens,
    audio: {
      output: {
        format: config.outputFormat,
        voice: typeof config.voice === 'string' ? config.voice : config.voice.id,
      },
    },
    ...(usage ? { usage } : {}),
    metadata: active.metadata,
  };
}
