// The beta dialect (`OpenAI-Beta: realtime=v1`, legacy Azure `?api-version=`) at the edge: the
// emulator builds every server event in the GA shape and this module rewrites it into the beta one
// (`conversation.item.created`, `response.audio.delta`, flat `session`, `text`/`audio` parts). The
// compiler checks the result against the `openai` package's beta `RealtimeServerEvent`.
import type { SessionConfig } from './protocol.js';
import type {
  BetaConversationItem,
  BetaResponse,
  BetaServerEvent,
  BetaSession,
  ConversationItem,
  GaServerEvent,
  RealtimeResponse,
} from './wire-types.js';

type BetaAudioFormat = 'pcm16' | 'g711_ulaw' | 'g711_alaw';
type BetaContent = NonNullable<BetaConversationItem['content']>[number];

function betaFormat(format: SessionConfig['outputFormat']): BetaAudioFormat {
  if (format.type === 'audio/pcmu') return 'g711_ulaw';
  if (format.type === 'audio/pcma') return 'g711_alaw';
  return 'pcm16';
}

function betaVoice(cfg: SessionConfig): string {
  return typeof cfg.voice === 'string' ? cfg.voice : cfg.voice.id;
}

function betaToolChoice(cfg: SessionConfig): string {
  const choice = cfg.toolChoice;
  if (typeof choice === 'string') return choice;
  return choice.type === 'function' ? choice.name : 'auto';
}

export function betaItem(item: ConversationItem): BetaConversationItem {
  switch (item.type) {
    case 'message': {
      const content: BetaContent[] = [];
      for (const part of item.content) {
        if (part.type === 'output_text') content.push({ ...part, type: 'text' });
        else if (part.type === 'output_audio') content.push({ ...part, type: 'audio' });
        else if (part.type === 'input_text' || part.type === 'input_audio') {
          content.push({ ...part, type: part.type });
        }
        // input_image: the beta protocol had no images.
      }
      return { ...item, content };
    }
    case 'function_call':
    case 'function_call_output':
      return item;
    default:
      // MCP items are never emitted by the emulator.
      return { id: item.id };
  }
}

function betaResponse(r: RealtimeResponse, cfg: SessionConfig): BetaResponse {
  const { audio, output_modalities, output, ...rest } = r;
  void audio;
  return {
    ...rest,
    ...(output ? { output: output.map(betaItem) } : {}),
    ...(output_modalities ? { modalities: output_modalities } : {}),
    voice: betaVoice(cfg),
    output_audio_format: betaFormat(cfg.outputFormat),
    ...(cfg.temperature !== null ? { temperature: cfg.temperature } : {}),
  };
}

/** The beta `session` object; beta sessions also carry `object` and `expires_at`. */
export function betaSession(
  id: string | undefined,
  expiresAt: number | undefined,
  cfg: SessionConfig,
): BetaSession & { object: 'realtime.session'; expires_at?: number } {
  return {
    ...(id !== undefined ? { id } : {}),
    object: 'realtime.session',
    // The beta type lists preview model names only; the server echoes the deployment's name.
    model: cfg.model as BetaSession['model'],
    ...(expiresAt !== undefined ? { expires_at: expiresAt } : {}),
    modalities: cfg.outputModalities,
    instructions: cfg.instructions,
    voice: betaVoice(cfg),
    input_audio_format: betaFormat(cfg.inputFormat),
    output_audio_format: betaFormat(cfg.outputFormat),
    // The beta type does not allow null here: fields that are off are left out.
    ...(cfg.inputAudioTranscription
      ? { input_audio_transcription: cfg.inputAudioTranscription }
      : {}),
    ...(cfg.noiseReduction ? { input_audio_noise_reduction: cfg.noiseReduction } : {}),
    ...(cfg.turnDetection ? { turn_detection: cfg.turnDetection } : {}),
    ...(cfg.tracing ? { tracing: cfg.tracing } : {}),
    tools: cfg.tools,
    tool_choice: betaToolChoice(cfg),
    ...(cfg.temperature !== null ? { temperature: cfg.temperature } : {}),
    max_response_output_tokens: cfg.maxOutputTokens,
    speed: cfg.speed ?? 1,
  };
}

/**
 * The beta form of a GA server event, or null when the beta protocol has no such event
 * (`conversation.item.done`). Lists every event type the emulator emits.
 */
export function toBetaEvent(event: GaServerEvent, cfg: SessionConfig): BetaServerEvent | null {
  switch (event.type) {
    case 'session.created':
    case 'session.updated': {
      const s = event.session;
      const id = 'id' in s && typeof s.id === 'string' ? s.id : undefined;
      const expiresAt =
        'expires_at' in s && typeof s.expires_at === 'number' ? s.expires_at : undefined;
      return { ...event, session: betaSession(id, expiresAt, cfg) };
    }
    case 'conversation.item.added':
      return { ...event, type: 'conversation.item.created', item: betaItem(event.item) };
    case 'conversation.item.done':
      return null;
    case 'conversation.item.retrieved':
    case 'response.output_item.added':
    case 'response.output_item.done':
      return { ...event, item: betaItem(event.item) };
    case 'response.created':
    case 'response.done':
      return { ...event, response: betaResponse(event.response, cfg) };
    case 'response.output_audio.delta':
      return { ...event, type: 'response.audio.delta' };
    case 'response.output_audio.done':
      return { ...event, type: 'response.audio.done' };
    case 'response.output_audio_transcript.delta':
      return { ...event, type: 'response.audio_transcript.delta' };
    case 'response.output_audio_transcript.done':
      return { ...event, type: 'response.audio_transcript.done' };
    case 'response.output_text.delta':
      return { ...event, type: 'response.text.delta' };
    case 'response.output_text.done':
      return { ...event, type: 'response.text.done' };
    case 'error':
    case 'conversation.item.deleted':
    case 'conversation.item.truncated':
    case 'conversation.item.input_audio_transcription.delta':
    case 'conversation.item.input_audio_transcription.completed':
    case 'input_audio_buffer.cleared':
    case 'input_audio_buffer.committed':
    case 'input_audio_buffer.speech_started':
    case 'input_audio_buffer.speech_stopped':
    case 'response.content_part.added':
    case 'response.content_part.done':
    case 'response.function_call_arguments.delta':
    case 'response.function_call_arguments.done':
      return event;
    default:
      // GA-only events (MCP, output_audio_buffer.*, ...) that the emulator never emits.
      return null;
  }
}
