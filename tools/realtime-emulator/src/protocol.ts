// Wire format of the OpenAI Realtime API as spoken by @livekit/agents-plugin-openai 1.9.
//
// Two dialects exist. `ga` (the default for every non-Azure model, including
// `gpt-4o-realtime-preview`: the 1.9 plugin never sends `OpenAI-Beta`) uses the
// GA event names (`response.output_audio.delta`, `conversation.item.added`, ...)
// and the nested `session.audio.{input,output}` config. `beta` (a client that
// sends `OpenAI-Beta: realtime=v1`, or legacy Azure with `?api-version=`) uses
// `response.audio.delta`, `conversation.item.created` and flat session fields.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';

export type Dialect = 'ga' | 'beta';

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function newId(prefix: string, length = 20): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ID_ALPHABET[b % ID_ALPHABET.length];
  return `${prefix}_${out}`;
}

export interface EventNames {
  itemAdded: string;
  audioDelta: string;
  audioDone: string;
  transcriptDelta: string;
  transcriptDone: string;
  textDelta: string;
  textDone: string;
  audioPart: string;
  textPart: string;
  /** GA sends `conversation.item.done` after an item is complete; beta has no such event. */
  itemDone: string | null;
}

export const EVENT_NAMES: Record<Dialect, EventNames> = {
  ga: {
    itemAdded: 'conversation.item.added',
    audioDelta: 'response.output_audio.delta',
    audioDone: 'response.output_audio.done',
    transcriptDelta: 'response.output_audio_transcript.delta',
    transcriptDone: 'response.output_audio_transcript.done',
    textDelta: 'response.output_text.delta',
    textDone: 'response.output_text.done',
    audioPart: 'output_audio',
    textPart: 'output_text',
    itemDone: 'conversation.item.done',
  },
  beta: {
    itemAdded: 'conversation.item.created',
    audioDelta: 'response.audio.delta',
    audioDone: 'response.audio.done',
    transcriptDelta: 'response.audio_transcript.delta',
    transcriptDone: 'response.audio_transcript.done',
    textDelta: 'response.text.delta',
    textDone: 'response.text.done',
    audioPart: 'audio',
    textPart: 'text',
    itemDone: null,
  },
};

// ---------------------------------------------------------------------------------------------
// Session configuration (normalised, dialect independent)

export const turnDetectionSchema = z.looseObject({
  type: z.enum(['server_vad', 'semantic_vad']),
  threshold: z.number().min(0).max(1).optional(),
  prefix_padding_ms: z.number().int().nonnegative().optional(),
  silence_duration_ms: z.number().int().nonnegative().optional(),
  eagerness: z.enum(['low', 'medium', 'high', 'auto']).optional(),
  create_response: z.boolean().optional(),
  interrupt_response: z.boolean().optional(),
  idle_timeout_ms: z.number().int().positive().nullable().optional(),
});
export type TurnDetection = z.infer<typeof turnDetectionSchema>;

export const transcriptionSchema = z.looseObject({
  model: z.string().optional(),
  language: z.string().optional(),
  prompt: z.string().optional(),
});
export type InputTranscription = z.infer<typeof transcriptionSchema>;

export const toolSchema = z.looseObject({
  type: z.literal('function'),
  name: z.string().min(1),
  description: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
});
export type ToolDefinition = z.infer<typeof toolSchema>;

const modality = z.enum(['audio', 'text']);
const toolChoice = z.union([
  z.string(),
  z.looseObject({ type: z.string(), name: z.string().optional() }),
]);
const maxTokens = z.union([z.number().int().positive(), z.literal('inf')]);
const gaAudioFormat = z.looseObject({
  type: z.enum(['audio/pcm', 'audio/pcmu', 'audio/pcma']),
  rate: z.number().optional(),
});

export const gaSessionSchema = z.strictObject({
  type: z.literal('realtime'),
  model: z.string().optional(),
  output_modalities: z.array(modality).min(1).optional(),
  instructions: z.string().optional(),
  audio: z
    .strictObject({
      input: z
        .strictObject({
          format: gaAudioFormat.optional(),
          noise_reduction: z.looseObject({ type: z.string() }).nullable().optional(),
          transcription: transcriptionSchema.nullable().optional(),
          turn_detection: turnDetectionSchema.nullable().optional(),
        })
        .optional(),
      output: z
        .strictObject({
          format: gaAudioFormat.optional(),
          voice: z.string().optional(),
          speed: z.number().min(0.25).max(1.5).optional(),
        })
        .optional(),
    })
    .optional(),
  tools: z.array(toolSchema).optional(),
  tool_choice: toolChoice.optional(),
  max_output_tokens: maxTokens.optional(),
  tracing: z.unknown().optional(),
  truncation: z.unknown().optional(),
  prompt: z.unknown().optional(),
  include: z.array(z.string()).nullable().optional(),
  reasoning: z.unknown().optional(),
});

export const betaSessionSchema = z.strictObject({
  model: z.string().optional(),
  modalities: z.array(modality).min(1).optional(),
  instructions: z.string().optional(),
  voice: z.string().optional(),
  input_audio_format: z.enum(['pcm16', 'g711_ulaw', 'g711_alaw']).optional(),
  output_audio_format: z.enum(['pcm16', 'g711_ulaw', 'g711_alaw']).optional(),
  input_audio_transcription: transcriptionSchema.nullable().optional(),
  input_audio_noise_reduction: z.looseObject({ type: z.string() }).nullable().optional(),
  turn_detection: turnDetectionSchema.nullable().optional(),
  tools: z.array(toolSchema).optional(),
  tool_choice: toolChoice.optional(),
  temperature: z.number().optional(),
  max_response_output_tokens: maxTokens.optional(),
  speed: z.number().optional(),
  tracing: z.unknown().optional(),
});

export interface SessionConfig {
  model: string;
  instructions: string;
  outputModalities: Array<'audio' | 'text'>;
  voice: string;
  speed: number | null;
  turnDetection: TurnDetection | null;
  inputAudioTranscription: InputTranscription | null;
  noiseReduction: { type: string } | null;
  tools: ToolDefinition[];
  toolChoice: string | { type: string; name?: string | undefined };
  maxOutputTokens: number | 'inf';
  temperature: number | null;
  tracing: unknown;
}

export function defaultSessionConfig(model: string, dialect: Dialect): SessionConfig {
  return {
    model,
    instructions: '',
    outputModalities: dialect === 'ga' ? ['audio'] : ['audio', 'text'],
    voice: dialect === 'ga' ? 'marin' : 'alloy',
    speed: null,
    turnDetection: {
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
export function applyGaSessionUpdate(
  cfg: SessionConfig,
  s: z.infer<typeof gaSessionSchema>,
): SessionConfig {
  const next = { ...cfg };
  if (s.model !== undefined) next.model = s.model;
  if (s.output_modalities !== undefined) next.outputModalities = [...s.output_modalities];
  if (s.instructions !== undefined) next.instructions = s.instructions;
  const input = s.audio?.input;
  if (input?.transcription !== undefined) next.inputAudioTranscription = input.transcription;
  if (input?.turn_detection !== undefined) next.turnDetection = input.turn_detection;
  if (input?.noise_reduction !== undefined) next.noiseReduction = input.noise_reduction;
  const output = s.audio?.output;
  if (output?.voice !== undefined) next.voice = output.voice;
  if (output?.speed !== undefined) next.speed = output.speed;
  if (s.tools !== undefined) next.tools = s.tools;
  if (s.tool_choice !== undefined) next.toolChoice = s.tool_choice;
  if (s.max_output_tokens !== undefined) next.maxOutputTokens = s.max_output_tokens;
  if (s.tracing !== undefined) next.tracing = s.tracing;
  return next;
}

export function applyBetaSessionUpdate(
  cfg: SessionConfig,
  s: z.infer<typeof betaSessionSchema>,
): SessionConfig {
  const next = { ...cfg };
  if (s.model !== undefined) next.model = s.model;
  if (s.modalities !== undefined) next.outputModalities = [...s.modalities];
  if (s.instructions !== undefined) next.instructions = s.instructions;
  if (s.voice !== undefined) next.voice = s.voice;
  if (s.speed !== undefined) next.speed = s.speed;
  if (s.input_audio_transcription !== undefined) {
    next.inputAudioTranscription = s.input_audio_transcription;
  }
  if (s.input_audio_noise_reduction !== undefined) {
    next.noiseReduction = s.input_audio_noise_reduction;
  }
  if (s.turn_detection !== undefined) next.turnDetection = s.turn_detection;
  if (s.tools !== undefined) next.tools = s.tools;
  if (s.tool_choice !== undefined) next.toolChoice = s.tool_choice;
  if (s.temperature !== undefined) next.temperature = s.temperature;
  if (s.max_response_output_tokens !== undefined) {
    next.maxOutputTokens = s.max_response_output_tokens;
  }
  if (s.tracing !== undefined) next.tracing = s.tracing;
  return next;
}

/** The `session` object of `session.created` / `session.updated`, in the dialect's shape. */
export function sessionObject(
  id: string,
  cfg: SessionConfig,
  dialect: Dialect,
  expiresAt: number,
): Record<string, unknown> {
  if (dialect === 'beta') {
    return {
      id,
      object: 'realtime.session',
      model: cfg.model,
      expires_at: expiresAt,
      modalities: cfg.outputModalities,
      instructions: cfg.instructions,
      voice: cfg.voice,
      input_audio_format: 'pcm16',
      output_audio_format: 'pcm16',
      input_audio_transcription: cfg.inputAudioTranscription,
      input_audio_noise_reduction: cfg.noiseReduction,
      turn_detection: cfg.turnDetection,
      tools: cfg.tools,
      tool_choice: cfg.toolChoice,
      temperature: cfg.temperature,
      max_response_output_tokens: cfg.maxOutputTokens,
      speed: cfg.speed ?? 1,
      tracing: cfg.tracing,
    };
  }
  const format = { type: 'audio/pcm', rate: 24000 };
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
    tracing: cfg.tracing,
    prompt: null,
    expires_at: expiresAt,
    include: null,
    audio: {
      input: {
        format,
        transcription: cfg.inputAudioTranscription,
        noise_reduction: cfg.noiseReduction,
        turn_detection: cfg.turnDetection,
      },
      output: { format, voice: cfg.voice, speed: cfg.speed ?? 1 },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Client events

const eventId = z.string().optional();

const contentPart = z.looseObject({
  type: z.enum([
    'input_text',
    'input_audio',
    'input_image',
    'output_text',
    'output_audio',
    'text',
    'audio',
  ]),
  text: z.string().optional(),
  audio: z.string().optional(),
  transcript: z.string().nullable().optional(),
  image_url: z.string().optional(),
});
export type ContentPart = z.infer<typeof contentPart>;

export const clientItemSchema = z.discriminatedUnion('type', [
  z.looseObject({
    id: z.string().min(1).max(64).optional(),
    type: z.literal('message'),
    role: z.enum(['user', 'assistant', 'system']),
    status: z.string().optional(),
    content: z.array(contentPart),
  }),
  z.looseObject({
    id: z.string().min(1).max(64).optional(),
    type: z.literal('function_call'),
    status: z.string().optional(),
    call_id: z.string().min(1),
    name: z.string().min(1),
    arguments: z.string(),
  }),
  z.looseObject({
    id: z.string().min(1).max(64).optional(),
    type: z.literal('function_call_output'),
    status: z.string().optional(),
    call_id: z.string().min(1),
    output: z.string(),
  }),
]);
export type ClientItem = z.infer<typeof clientItemSchema>;

export const clientEventSchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('session.update'),
    event_id: eventId,
    session: z.record(z.string(), z.unknown()),
  }),
  z.looseObject({
    type: z.literal('input_audio_buffer.append'),
    event_id: eventId,
    audio: z.string(),
  }),
  z.looseObject({ type: z.literal('input_audio_buffer.commit'), event_id: eventId }),
  z.looseObject({ type: z.literal('input_audio_buffer.clear'), event_id: eventId }),
  z.looseObject({
    type: z.literal('conversation.item.create'),
    event_id: eventId,
    previous_item_id: z.string().nullable().optional(),
    item: clientItemSchema,
  }),
  z.looseObject({
    type: z.literal('conversation.item.delete'),
    event_id: eventId,
    item_id: z.string().min(1),
  }),
  z.looseObject({
    type: z.literal('conversation.item.retrieve'),
    event_id: eventId,
    item_id: z.string().min(1),
  }),
  z.looseObject({
    type: z.literal('conversation.item.truncate'),
    event_id: eventId,
    item_id: z.string().min(1),
    content_index: z.number().int().nonnegative(),
    audio_end_ms: z.number().int().nonnegative(),
  }),
  z.looseObject({
    type: z.literal('response.create'),
    event_id: eventId,
    response: z
      .looseObject({
        instructions: z.string().optional(),
        metadata: z.record(z.string(), z.string()).nullable().optional(),
        output_modalities: z.array(modality).min(1).optional(),
        modalities: z.array(modality).min(1).optional(),
        tool_choice: toolChoice.optional(),
        tools: z.array(toolSchema).optional(),
        conversation: z.string().optional(),
      })
      .optional(),
  }),
  z.looseObject({
    type: z.literal('response.cancel'),
    event_id: eventId,
    response_id: z.string().optional(),
  }),
]);
export type ClientEvent = z.infer<typeof clientEventSchema>;

export const SUPPORTED_CLIENT_EVENTS = [
  'session.update',
  'input_audio_buffer.append',
  'input_audio_buffer.commit',
  'input_audio_buffer.clear',
  'conversation.item.create',
  'conversation.item.delete',
  'conversation.item.retrieve',
  'conversation.item.truncate',
  'response.create',
  'response.cancel',
] as const;

/** An `error` event's body, in the shape OpenAI uses. */
export interface RealtimeErrorBody {
  type: 'invalid_request_error' | 'server_error';
  code: string | null;
  message: string;
  param: string | null;
  event_id: string | null;
}

/** Turns zod issues into OpenAI-style `missing_required_parameter` / `invalid_value` errors. */
export function zodIssueToError(
  issues: readonly z.core.$ZodIssue[],
  prefix: string,
  clientEventId: string | null,
): RealtimeErrorBody {
  const issue = issues[0];
  const param = issue ? [prefix, ...issue.path.map(String)].filter(Boolean).join('.') : prefix;
  if (issue?.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const full = param ? `${param}.${key}` : key;
    return {
      type: 'invalid_request_error',
      code: 'unknown_parameter',
      message: `Unknown parameter: '${full}'.`,
      param: full,
      event_id: clientEventId,
    };
  }
  if (issue?.code === 'invalid_type' && issue.input === undefined) {
    return {
      type: 'invalid_request_error',
      code: 'missing_required_parameter',
      message: `Missing required parameter: '${param}'.`,
      param,
      event_id: clientEventId,
    };
  }
  return {
    type: 'invalid_request_error',
    code: 'invalid_value',
    message: `Invalid value for '${param}': ${issue?.message ?? 'invalid'}.`,
    param,
    event_id: clientEventId,
  };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
export function isBase64(s: string): boolean {
  return s.length % 4 === 0 && BASE64.test(s);
}
