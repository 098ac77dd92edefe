// Run-time validation of client events, one zod schema per event and dialect. Every schema is tied
// to the `openai` package's type for the same event (`AssertAssignable` below): a schema that
// accepts a shape the published type does not fails `npm run typecheck`. Objects are strict because
// OpenAI answers unknown keys with `unknown_parameter`. The few places where the run-time rule is
// looser than the published type are documented OpenAI behaviour the SDK types omit; each one is
// named in an `Except*` type below.
import { z } from 'zod';
import type { Dialect } from './protocol.js';
import type {
  AssertAssignable,
  BetaClientEvent,
  BetaResponseCreate,
  BetaSessionUpdate,
  ConversationItem,
  GaClientEvent,
  ResponseCreateParams,
  SessionUpdateRequest,
} from './wire-types.js';

const eventId = z.string().optional();
const itemId = z.string().min(1).max(64);
const itemStatus = z.enum(['completed', 'incomplete', 'in_progress']);
const itemCommon = {
  id: itemId.optional(),
  object: z.literal('realtime.item').optional(),
  status: itemStatus.optional(),
};
const maxTokens = z.union([z.number().int().min(1).max(4096), z.literal('inf')]);
const metadata = z.record(z.string().max(64), z.string().max(512)).nullable();
const toolChoiceMode = z.enum(['none', 'auto', 'required']);

// ---------------------------------------------------------------------------------------------
// Shared pieces: tools, turn detection, transcription, audio formats

export const functionToolSchema = z.strictObject({
  type: z.literal('function'),
  name: z.string().min(1),
  description: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
});

/** GA: one of the modes or `{ type: 'function', name }`; a bare function name is refused. */
const gaToolChoice = z.union([
  toolChoiceMode,
  z.strictObject({ type: z.literal('function'), name: z.string().min(1) }),
  z.strictObject({
    type: z.literal('mcp'),
    server_label: z.string(),
    name: z.string().nullable().optional(),
  }),
]);

const serverVad = z.strictObject({
  type: z.literal('server_vad'),
  threshold: z.number().min(0).max(1).optional(),
  prefix_padding_ms: z.number().int().nonnegative().optional(),
  silence_duration_ms: z.number().int().nonnegative().optional(),
  create_response: z.boolean().optional(),
  interrupt_response: z.boolean().optional(),
  idle_timeout_ms: z.number().int().min(5000).max(30000).nullable().optional(),
});
const semanticVad = z.strictObject({
  type: z.literal('semantic_vad'),
  eagerness: z.enum(['low', 'medium', 'high', 'auto']).optional(),
  create_response: z.boolean().optional(),
  interrupt_response: z.boolean().optional(),
});
export const turnDetectionSchema = z.discriminatedUnion('type', [serverVad, semanticVad]);

export const transcriptionSchema = z.strictObject({
  model: z.string().optional(),
  language: z.string().optional(),
  prompt: z.string().optional(),
  delay: z.enum(['minimal', 'low', 'medium', 'high', 'xhigh']).optional(),
});
const noiseReduction = z.strictObject({ type: z.enum(['near_field', 'far_field']).optional() });

/**
 * GA audio formats: PCM only at 24 kHz (and then `rate` is required), G.711 μ-law and A-law.
 * A format that is not one of these is refused (`invalid_value`).
 */
export const audioFormatSchema = z
  .strictObject({
    type: z.enum(['audio/pcm', 'audio/pcmu', 'audio/pcma']),
    rate: z.literal(24000).optional(),
  })
  .superRefine((format, ctx) => {
    if (format.type === 'audio/pcm' && format.rate === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['rate'],
        input: undefined,
        message: 'missing',
        params: { openaiCode: 'missing_required_parameter' },
      });
    } else if (format.type !== 'audio/pcm' && format.rate !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['rate'],
        input: format.rate,
        message: 'unknown',
        params: { openaiCode: 'unknown_parameter' },
      });
    }
  });

/** GA: "It is not possible to request both `text` and `audio` at the same time." */
const gaOutputModalities = z
  .array(z.enum(['text', 'audio']))
  .min(1)
  .superRefine((modalities, ctx) => {
    if (modalities.length > 1) {
      ctx.addIssue({
        code: 'custom',
        input: modalities,
        message: `Invalid value: ['${modalities.join("', '")}']. Supported values are: ['text'] and ['audio'].`,
        params: { openaiCode: 'invalid_value', verbatim: true },
      });
    }
  });

// ---------------------------------------------------------------------------------------------
// Items (`conversation.item.create`)

const gaUserContent = z.strictObject({
  type: z.enum(['input_text', 'input_audio', 'input_image']),
  text: z.string().optional(),
  audio: z.string().optional(),
  transcript: z.string().optional(),
  image_url: z.string().optional(),
  detail: z.enum(['auto', 'low', 'high']).optional(),
});
const gaAssistantContent = z.strictObject({
  type: z.enum(['output_text', 'output_audio']),
  text: z.string().optional(),
  audio: z.string().optional(),
  transcript: z.string().optional(),
});
const systemContent = z.strictObject({ type: z.literal('input_text'), text: z.string() });

/** A message item with the content parts each role may carry in one API version. */
function messageSchema<U extends z.ZodType, A extends z.ZodType>(
  userContent: U,
  assistantContent: A,
) {
  const message = <R extends string, C extends z.ZodType>(role: R, content: C) =>
    z.strictObject({
      ...itemCommon,
      type: z.literal('message'),
      role: z.literal(role),
      content: z.array(content),
    });
  return z.discriminatedUnion('role', [
    message('system', systemContent),
    message('user', userContent),
    message('assistant', assistantContent),
  ]);
}

const gaMessage = messageSchema(gaUserContent, gaAssistantContent);
const functionCallItem = z.strictObject({
  ...itemCommon,
  type: z.literal('function_call'),
  call_id: z.string().min(1).optional(),
  name: z.string().min(1),
  arguments: z.string(),
});
const functionCallOutputItem = z.strictObject({
  ...itemCommon,
  type: z.literal('function_call_output'),
  call_id: z.string().min(1),
  output: z.string(),
});
export const gaItemSchema = z.discriminatedUnion('type', [
  gaMessage,
  functionCallItem,
  functionCallOutputItem,
]);
/** A client item as the emulator stores it (GA shape; beta items are converted on arrival). */
export type ClientItem = z.infer<typeof gaItemSchema>;

// Beta assistant content is `text` / `audio`; it is stored in the GA shape.
const betaMessage = messageSchema(
  z.strictObject({
    type: z.enum(['input_text', 'input_audio']),
    text: z.string().optional(),
    audio: z.string().optional(),
    transcript: z.string().optional(),
  }),
  z.strictObject({
    type: z.enum(['text', 'audio']),
    text: z.string().optional(),
    audio: z.string().optional(),
    transcript: z.string().optional(),
  }),
);
const betaItemSchema = z.discriminatedUnion('type', [
  betaMessage,
  functionCallItem,
  functionCallOutputItem,
]);

// ---------------------------------------------------------------------------------------------
// Sessions (`session.update`)

const gaAudioInput = z.strictObject({
  format: audioFormatSchema.optional(),
  // null turns these off (documented; the SDK types omit the null).
  noise_reduction: noiseReduction.nullable().optional(),
  transcription: transcriptionSchema.nullable().optional(),
  turn_detection: turnDetectionSchema.nullable().optional(),
});
const gaAudioOutput = z.strictObject({
  format: audioFormatSchema.optional(),
  voice: z.union([z.string().min(1), z.strictObject({ id: z.string() })]).optional(),
  speed: z.number().min(0.25).max(1.5).optional(),
});
const tracing = z.union([
  z.literal('auto'),
  z.strictObject({
    workflow_name: z.string().optional(),
    group_id: z.string().optional(),
    metadata: z.unknown().optional(),
  }),
]);

export const gaSessionSchema = z.strictObject({
  type: z.literal('realtime'),
  model: z.string().optional(),
  output_modalities: gaOutputModalities.optional(),
  instructions: z.string().optional(),
  audio: z
    .strictObject({ input: gaAudioInput.optional(), output: gaAudioOutput.optional() })
    .optional(),
  tools: z.array(functionToolSchema).optional(),
  tool_choice: gaToolChoice.optional(),
  max_output_tokens: maxTokens.optional(),
  tracing: tracing.nullable().optional(),
  truncation: z
    .union([
      z.enum(['auto', 'disabled']),
      z.strictObject({
        type: z.literal('retention_ratio'),
        retention_ratio: z.number().min(0).max(1),
        token_limits: z.strictObject({ post_instructions: z.number().int().optional() }).optional(),
      }),
    ])
    .optional(),
  include: z.array(z.literal('item.input_audio_transcription.logprobs')).optional(),
  parallel_tool_calls: z.boolean().optional(),
  reasoning: z
    .strictObject({ effort: z.enum(['minimal', 'low', 'medium', 'high', 'xhigh']).optional() })
    .optional(),
});
export type GaSessionUpdate = z.infer<typeof gaSessionSchema>;

const betaAudioFormat = z.enum(['pcm16', 'g711_ulaw', 'g711_alaw']);
const betaTurnDetection = z.strictObject({
  type: z.enum(['server_vad', 'semantic_vad']).optional(),
  threshold: z.number().min(0).max(1).optional(),
  prefix_padding_ms: z.number().int().nonnegative().optional(),
  silence_duration_ms: z.number().int().nonnegative().optional(),
  eagerness: z.enum(['low', 'medium', 'high', 'auto']).optional(),
  create_response: z.boolean().optional(),
  interrupt_response: z.boolean().optional(),
});
export const betaSessionSchema = z.strictObject({
  // The beta type enumerates preview model names only; the server accepts the deployment's name.
  model: z.string().optional(),
  modalities: z
    .array(z.enum(['text', 'audio']))
    .min(1)
    .optional(),
  instructions: z.string().optional(),
  voice: z.string().optional(),
  input_audio_format: betaAudioFormat.optional(),
  output_audio_format: betaAudioFormat.optional(),
  input_audio_transcription: z
    .strictObject({
      model: z.string().optional(),
      language: z.string().optional(),
      prompt: z.string().optional(),
    })
    .nullable()
    .optional(),
  input_audio_noise_reduction: noiseReduction.nullable().optional(),
  turn_detection: betaTurnDetection.nullable().optional(),
  tools: z.array(functionToolSchema).optional(),
  tool_choice: z.string().optional(),
  temperature: z.number().optional(),
  max_response_output_tokens: maxTokens.optional(),
  speed: z.number().optional(),
  tracing: tracing.optional(),
});
export type BetaSessionUpdateParsed = z.infer<typeof betaSessionSchema>;

// ---------------------------------------------------------------------------------------------
// Responses (`response.create`)

const gaResponseCreate = z.strictObject({
  instructions: z.string().optional(),
  metadata: metadata.optional(),
  output_modalities: gaOutputModalities.optional(),
  tool_choice: gaToolChoice.optional(),
  tools: z.array(functionToolSchema).optional(),
  conversation: z.string().optional(),
  input: z.array(gaItemSchema).optional(),
  max_output_tokens: maxTokens.optional(),
  parallel_tool_calls: z.boolean().optional(),
  audio: z
    .strictObject({
      output: z
        .strictObject({
          format: audioFormatSchema.optional(),
          voice: z.union([z.string().min(1), z.strictObject({ id: z.string() })]).optional(),
        })
        .optional(),
    })
    .optional(),
});
const betaResponseCreate = z.strictObject({
  instructions: z.string().optional(),
  metadata: metadata.optional(),
  modalities: z
    .array(z.enum(['text', 'audio']))
    .min(1)
    .optional(),
  tool_choice: z.string().optional(),
  tools: z.array(functionToolSchema).optional(),
  conversation: z.string().optional(),
  voice: z.string().optional(),
  output_audio_format: betaAudioFormat.optional(),
  temperature: z.number().optional(),
  max_response_output_tokens: maxTokens.optional(),
});

/** The `response` of `response.create` in either dialect (absent for server-VAD responses). */
export type ResponseRequest =
  | (z.infer<typeof gaResponseCreate> & { modalities?: undefined })
  | (z.infer<typeof betaResponseCreate> & { output_modalities?: undefined })
  | undefined;

// ---------------------------------------------------------------------------------------------
// Events

function clientEventSchema<
  Item extends z.ZodType<ClientItem>,
  Session extends z.ZodType,
  Response extends z.ZodType,
>(item: Item, session: Session, response: Response) {
  return z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('session.update'), event_id: eventId, session }),
    z.strictObject({
      type: z.literal('input_audio_buffer.append'),
      event_id: eventId,
      audio: z.string(),
    }),
    z.strictObject({ type: z.literal('input_audio_buffer.commit'), event_id: eventId }),
    z.strictObject({ type: z.literal('input_audio_buffer.clear'), event_id: eventId }),
    z.strictObject({
      type: z.literal('conversation.item.create'),
      event_id: eventId,
      previous_item_id: z.string().optional(),
      item,
    }),
    z.strictObject({
      type: z.literal('conversation.item.delete'),
      event_id: eventId,
      item_id: z.string().min(1),
    }),
    z.strictObject({
      type: z.literal('conversation.item.retrieve'),
      event_id: eventId,
      item_id: z.string().min(1),
    }),
    z.strictObject({
      type: z.literal('conversation.item.truncate'),
      event_id: eventId,
      item_id: z.string().min(1),
      content_index: z.number().int().nonnegative(),
      audio_end_ms: z.number().int().nonnegative(),
    }),
    z.strictObject({
      type: z.literal('response.create'),
      event_id: eventId,
      response: response.optional(),
    }),
    z.strictObject({
      type: z.literal('response.cancel'),
      event_id: eventId,
      response_id: z.string().optional(),
    }),
  ]);
}

/** Beta assistant parts (`text`/`audio`) become GA ones, so the emulator keeps one item shape. */
const betaItemAsGa = betaItemSchema.transform((item): ClientItem => {
  if (item.type !== 'message' || item.role !== 'assistant') return item;
  return {
    ...item,
    content: item.content.map((part) => ({
      ...part,
      type: part.type === 'text' ? ('output_text' as const) : ('output_audio' as const),
    })),
  };
});

export const gaClientEventSchema = clientEventSchema(
  gaItemSchema,
  gaSessionSchema,
  gaResponseCreate,
);
export const betaClientEventSchema = clientEventSchema(
  betaItemAsGa,
  betaSessionSchema,
  betaResponseCreate,
);
export type GaClientEventParsed = z.infer<typeof gaClientEventSchema>;
export type ClientEvent = GaClientEventParsed | z.output<typeof betaClientEventSchema>;

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

export function parseClientEvent(dialect: Dialect, event: unknown) {
  const schema = dialect === 'ga' ? gaClientEventSchema : betaClientEventSchema;
  return schema.safeParse(event, { reportInput: true });
}

// ---------------------------------------------------------------------------------------------
// The compile-time tie to the openai package

/** Documented nulls ("set to null to turn off") that the SDK's GA types omit. */
type ExceptGaNulls<T> = T extends { audio?: infer A }
  ? Omit<T, 'audio'> & {
      audio?: A extends { input?: infer I }
        ? Omit<A, 'input'> & {
            input?: I extends object
              ? {
                  [K in keyof I]: K extends 'noise_reduction' | 'transcription'
                    ? Exclude<I[K], null>
                    : I[K];
                }
              : I;
          }
        : A;
    }
  : T;
/** Beta: the same documented nulls, and any model (deployment) name. */
type ExceptBeta<T> = {
  [K in keyof T]: K extends 'model'
    ? never
    : K extends 'input_audio_transcription' | 'input_audio_noise_reduction' | 'turn_detection'
      ? Exclude<T[K], null>
      : T[K];
};

type GaEvent<T extends GaClientEvent['type']> = Extract<GaClientEvent, { type: T }>;
type BetaEvent<T extends BetaClientEvent['type']> = Extract<BetaClientEvent, { type: T }>;
type Parsed<T extends GaClientEventParsed['type']> = Extract<GaClientEventParsed, { type: T }>;

export type SchemaConformance = [
  AssertAssignable<ExceptGaNulls<GaSessionUpdate>, SessionUpdateRequest>,
  AssertAssignable<ExceptBeta<BetaSessionUpdateParsed>, Omit<BetaSessionUpdate, 'model'>>,
  AssertAssignable<z.infer<typeof gaResponseCreate>, ResponseCreateParams>,
  AssertAssignable<z.infer<typeof betaResponseCreate>, BetaResponseCreate>,
  AssertAssignable<ClientItem, ConversationItem>,
  AssertAssignable<z.input<typeof betaItemSchema>, BetaEvent<'conversation.item.create'>['item']>,
  AssertAssignable<Parsed<'input_audio_buffer.append'>, GaEvent<'input_audio_buffer.append'>>,
  AssertAssignable<Parsed<'input_audio_buffer.commit'>, GaEvent<'input_audio_buffer.commit'>>,
  AssertAssignable<Parsed<'input_audio_buffer.clear'>, GaEvent<'input_audio_buffer.clear'>>,
  AssertAssignable<Parsed<'conversation.item.create'>, GaEvent<'conversation.item.create'>>,
  AssertAssignable<Parsed<'conversation.item.delete'>, GaEvent<'conversation.item.delete'>>,
  AssertAssignable<Parsed<'conversation.item.retrieve'>, GaEvent<'conversation.item.retrieve'>>,
  AssertAssignable<Parsed<'conversation.item.truncate'>, GaEvent<'conversation.item.truncate'>>,
  AssertAssignable<Parsed<'response.create'>, GaEvent<'response.create'>>,
  AssertAssignable<Parsed<'response.cancel'>, GaEvent<'response.cancel'>>,
  AssertAssignable<
    Omit<Parsed<'session.update'>, 'session'>,
    Omit<GaEvent<'session.update'>, 'session'>
  >,
];
