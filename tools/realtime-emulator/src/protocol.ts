// The session configuration of one emulated Realtime session: its defaults (as OpenAI reports them
// in `session.created`), how `session.update` changes it, and the GA `session` object.
//
// Two dialects exist. `ga` (the default for every non-Azure model, including
// `gpt-4o-realtime-preview`: the 1.9 plugin never sends `OpenAI-Beta`) uses the GA event names and
// the nested `session.audio.{input,output}` config. `beta` (a client that sends
// `OpenAI-Beta: realtime=v1`, or legacy Azure with `?api-version=`) uses flat session fields; the
// emulator works in GA terms and `beta-dialect.ts` translates at the edges.
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type {
  BetaSessionUpdateParsed,
  GaSessionUpdate,
  functionToolSchema,
  transcriptionSchema,
} from './client-events.js';
import type { AudioFormat, GaSessionObject } from './wire-types.js';

export type Dialect = 'ga' | 'beta';

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function newId(prefix: string, length = 20): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ID_ALPHABET[b % ID_ALPHABET.length];
  return `${prefix}_${out}`;
}

/** Turn detection, flattened over server VAD and semantic VAD. */
export interface TurnDetection {
  type: 'server_vad' | 'semantic_vad';
  threshold?: number;
  prefix_padding_ms?: number;
  silence_duration_ms?: number;
  eagerness?: 'low' | 'medium' | 'high' | 'auto';
  create_response?: boolean;
  interrupt_response?: boolean;
  idle_timeout_ms?: number | null;
}
export type InputTranscription = z.infer<typeof transcriptionSchema>;
export type ToolDefinition = z.infer<typeof functionToolSchema>;
export type ToolChoice =
  | 'none'
  | 'auto'
  | 'required'
  | { type: 'function'; name: string }
  | { type: 'mcp'; server_label: string; name?: string | null | undefined };
export type Voice = string | { id: string };

export interface SessionConfig {
  model: string;
  instructions: string;
  outputModalities: Array<'audio' | 'text'>;
  voice: Voice;
  speed: number | null;
  inputFormat: AudioFormat;
  outputFormat: AudioFormat;
  turnDetection: TurnDetection | null;
  inputAudioTranscription: InputTranscription | null;
  noiseReduction: { type?: 'near_field' | 'far_field' | undefined } | null;
  tools: ToolDefinition[];
  toolChoice: ToolChoice;
  maxOutputTokens: number | 'inf';
  temperature: number | null;
  tracing: GaSessionObject['tracing'] | null;
}

export const PCM_24K: AudioFormat = { type: 'audio/pcm', rate: 24000 };

/**
 * What `session.created` reports before any update. GA: server VAD with threshold 0.5, 300 ms
 * prefix padding and 500 ms silence (OpenAI's documented defaults). Beta sessions reported 200 ms
 * silence (seen in `session.created` events of the preview API).
 */
export function defaultSessionConfig(model: string, dialect: Dialect): SessionConfig {
  return {
    model,
    instructions: '',
    outputModalities: dialect === 'ga' ? ['audio'] : ['audio', 'text'],
    voice: dialect === 'ga' ? 'marin' : 'alloy',
    speed: null,
    inputFormat: PCM_24K,
    outputFormat: PCM_24K,
    turnDetection:
      dialect === 'ga'
        ? {
            type: 'server_vad',
            threshold: 0.5,
            prefix_padding_ms: 300,
            silence_duration_ms: 500,
            idle_timeout_ms: null,
            create_response: true,
            interrupt_response: true,
          }
        : {
            type: 'server_vad',
            threshold: 0.5,
            prefix_padding_ms: 300,
            silence_duration_ms: 200,
            create_response: true,
            interrupt_response: true,
          },
    inputAudioTranscription: null,
    noiseReduction: null,
    tools: [],
    toolChoice: 'auto',
    maxOutputTokens: 'inf',
    temperature: dialect === 'beta' ? 0.8 : null,
    tracing: null,
  };
}

/** Fields present in the update replace the stored ones; absent fields are kept. */
export function applyGaSessionUpdate(cfg: SessionConfig, s: GaSessionUpdate): SessionConfig {
  const next = { ...cfg };
  if (s.model !== undefined) next.model = s.model;
  if (s.output_modalities !== undefined) next.outputModalities = [...s.output_modalities];
  if (s.instructions !== undefined) next.instructions = s.instructions;
  const input = s.audio?.input;
  if (input?.format !== undefined) next.inputFormat = input.format;
  if (input?.transcription !== undefined) next.inputAudioTranscription = input.transcription;
  if (input?.turn_detection !== undefined) next.turnDetection = input.turn_detection;
  if (input?.noise_reduction !== undefined) next.noiseReduction = input.noise_reduction;
  const output = s.audio?.output;
  if (output?.format !== undefined) next.outputFormat = output.format;
  if (output?.voice !== undefined) next.voice = output.voice;
  if (output?.speed !== undefined) next.speed = output.speed;
  if (s.tools !== undefined) next.tools = s.tools;
  if (s.tool_choice !== undefined) next.toolChoice = s.tool_choice;
  if (s.max_output_tokens !== undefined) next.maxOutputTokens = s.max_output_tokens;
  if (s.tracing !== undefined) next.tracing = s.tracing;
  return next;
}

const BETA_FORMATS: Record<'pcm16' | 'g711_ulaw' | 'g711_alaw', AudioFormat> = {
  pcm16: PCM_24K,
  g711_ulaw: { type: 'audio/pcmu' },
  g711_alaw: { type: 'audio/pcma' },
};

/** A beta `tool_choice` string: a mode, or (beta only) the name of the function to force. */
export function betaToolChoice(choice: string): ToolChoice {
  return choice === 'auto' || choice === 'none' || choice === 'required'
    ? choice
    : { type: 'function', name: choice };
}

export function applyBetaSessionUpdate(
  cfg: SessionConfig,
  s: BetaSessionUpdateParsed,
): SessionConfig {
  const next = { ...cfg };
  if (s.model !== undefined) next.model = s.model;
  if (s.modalities !== undefined) next.outputModalities = [...s.modalities];
  if (s.instructions !== undefined) next.instructions = s.instructions;
  if (s.voice !== undefined) next.voice = s.voice;
  if (s.speed !== undefined) next.speed = s.speed;
  if (s.input_audio_format !== undefined) next.inputFormat = BETA_FORMATS[s.input_audio_format];
  if (s.output_audio_format !== undefined) next.outputFormat = BETA_FORMATS[s.output_audio_format];
  if (s.input_audio_transcription !== undefined) {
    next.inputAudioTranscription = s.input_audio_transcription;
  }
  if (s.input_audio_noise_reduction !== undefined) {
    next.noiseReduction = s.input_audio_noise_reduction;
  }
  if (s.turn_detection !== undefined) {
    next.turnDetection = s.turn_detection && { type: 'server_vad', ...s.turn_detection };
  }
  if (s.tools !== undefined) next.tools = s.tools;
  if (s.tool_choice !== undefined) next.toolChoice = betaToolChoice(s.tool_choice);
  if (s.temperature !== undefined) next.temperature = s.temperature;
  if (s.max_response_output_tokens !== undefined) {
    next.maxOutputTokens = s.max_response_output_tokens;
  }
  if (s.tracing !== undefined) next.tracing = s.tracing;
  return next;
}

function gaTurnDetection(
  td: TurnDetection,
): NonNullable<NonNullable<GaSessionObject['audio']>['input']>['turn_detection'] {
  if (td.type === 'semantic_vad') {
    const { threshold, prefix_padding_ms, silence_duration_ms, idle_timeout_ms, ...semantic } = td;
    void [threshold, prefix_padding_ms, silence_duration_ms, idle_timeout_ms];
    return { ...semantic, type: 'semantic_vad' };
  }
  const { eagerness, ...server } = td;
  void eagerness;
  return { ...server, type: 'server_vad' };
}

/**
 * The GA `session` object of `session.created` / `session.updated`. Fields the published type does
 * not allow to be null (transcription, noise reduction) are left out when off.
 */
export function gaSessionObject(
  id: string,
  cfg: SessionConfig,
  expiresAt: number,
): GaSessionObject {
  return {
    type: 'realtime',
    object: 'realtime.session',
    id,
    model: cfg.model,
    output_modalities: cfg.outputModalities,
    instructions: cfg.instructions,
    tools: cfg.tools,
    tool_choice: cfg.toolChoice,
    max_output_tokens: cfg.maxOutputTokens,
    tracing: cfg.tracing ?? null,
    prompt: null,
    expires_at: expiresAt,
    audio: {
      input: {
        format: cfg.inputFormat,
        ...(cfg.inputAudioTranscription ? { transcription: cfg.inputAudioTranscription } : {}),
        ...(cfg.noiseReduction ? { noise_reduction: cfg.noiseReduction } : {}),
        turn_detection: cfg.turnDetection && gaTurnDetection(cfg.turnDetection),
      },
      output: {
        format: cfg.outputFormat,
        voice: typeof cfg.voice === 'string' ? cfg.voice : cfg.voice.id,
        speed: cfg.speed ?? 1,
      },
    },
  };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
export function isBase64(s: string): boolean {
  return s.length % 4 === 0 && BASE64.test(s);
}
