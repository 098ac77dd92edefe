// The `response` object of `response.created` / `response.done` in each dialect, and its `usage`
// (text ≈ chars/4 tokens, input audio 10 tokens/s, output audio 20 tokens/s).
import type { Dialect, SessionConfig } from './protocol.js';
import type { ConversationItemRecord } from './records.js';
import type { ActiveResponse } from './response-stream.js';
import type { Json } from './session-context.js';
import { estimateTextTokens } from './text.js';

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
    text += JSON.stringify(c.item.content ?? c.item.arguments ?? c.item.output ?? '');
    if (c.role === 'user' && c.audioMs) audioMs += c.audioMs;
  }
  return { text: estimateTextTokens(text), audio: Math.ceil(audioMs / 100) };
}

export function responseUsage(
  inputTokens: InputTokens,
  out: { textChars: number; audioMs: number },
): Json {
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

export function responseObject(
  dialect: Dialect,
  config: SessionConfig,
  active: ActiveResponse,
  status: string,
  usage: Json | null = null,
): Json {
  const r = active.record;
  const statusDetails =
    status === 'cancelled'
      ? { type: 'cancelled', reason: r.cancelReason ?? 'client_cancelled' }
      : null;
  if (dialect === 'beta') {
    return {
      object: 'realtime.response',
      id: r.id,
      status,
      status_details: statusDetails,
      output: active.output,
      conversation_id: active.outOfBand ? null : active.conversationId,
      modalities: r.modalities,
      voice: config.voice,
      output_audio_format: 'pcm16',
      max_output_tokens: config.maxOutputTokens,
      temperature: config.temperature,
      usage,
      metadata: active.metadata,
    };
  }
  return {
    object: 'realtime.response',
    id: r.id,
    status,
    status_details: statusDetails,
    output: active.output,
    conversation_id: active.outOfBand ? null : active.conversationId,
    output_modalities: r.modalities,
    max_output_tokens: config.maxOutputTokens,
    audio: { output: { format: { type: 'audio/pcm', rate: 24000 }, voice: config.voice } },
    usage,
    metadata: active.metadata,
  };
}
