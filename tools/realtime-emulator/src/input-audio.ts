// The input audio buffer of one session (`input_audio_buffer.*`) and the server VAD on it: speech
// start interrupts the active response, speech stop commits the buffer as a user turn and asks for
// a response. Committed audio gets the scenario's transcript when transcription is configured.
import { BYTES_PER_MS, bufferToPcm16, bytesToMs } from './audio.js';
import type { Conversation } from './conversation.js';
import { isBase64, newId, type TurnDetection } from './protocol.js';
import type { ResponseStream } from './response-stream.js';
import type { SessionContext } from './session-context.js';
import { estimateTextTokens, words } from './text.js';
import {
  energyVadFactory,
  type EnergyVadOptions,
  type TurnVad,
  type TurnVadFactory,
} from './vad.js';

const MIN_COMMIT_MS = 100;

export function vadOptions(td: TurnDetection): EnergyVadOptions {
  const semanticSilence = { low: 1000, medium: 600, auto: 600, high: 300 };
  return {
    threshold: td.threshold ?? 0.5,
    prefixPaddingMs: td.prefix_padding_ms ?? 300,
    silenceDurationMs:
      td.type === 'semantic_vad'
        ? semanticSilence[td.eagerness ?? 'auto']
        : (td.silence_duration_ms ?? 500),
    minSpeechMs: 60,
  };
}

export class InputAudioBuffer {
  readonly #ctx: SessionContext;
  readonly #conversation: Conversation;
  readonly #responses: ResponseStream;
  #buffer: Buffer[] = [];
  #bufferBytes = 0;
  #inputAudioMs = 0;
  #vad: TurnVad | null = null;
  readonly #vadFactory: TurnVadFactory;
  /** The turn_detection the VAD was built for: a `session.update` replacing it rebuilds the VAD. */
  #vadFor: TurnDetection | null = null;
  /** The item id announced by `speech_started`, reused by the commit that ends that speech. */
  #speechItemId: string | null = null;

  constructor(
    ctx: SessionContext,
    conversation: Conversation,
    responses: ResponseStream,
    vadFactory: TurnVadFactory = energyVadFactory,
  ) {
    this.#vadFactory = vadFactory;
    this.#ctx = ctx;
    this.#conversation = conversation;
    this.#responses = responses;
  }

  /** All audio appended on this connection (the VAD clock). */
  get inputAudioMs(): number {
    return this.#inputAudioMs;
  }

  /** The socket closed: release the VAD (a model VAD holds an inference stream). */
  close(): void {
    this.#vad?.close();
    this.#vad = null;
  }

  #ensureVad(): TurnVad | null {
    const td = this.#ctx.config().turnDetection;
    if (!td) {
      this.#vad?.close();
      this.#vad = null;
      this.#vadFor = null;
      return null;
    }
    if (this.#vad && this.#vadFor === td) return this.#vad;
    this.#vad?.close();
    const vad = this.#vadFactory(vadOptions(td), (ev) => {
      if (ev.type === 'speech_started') this.#onSpeechStarted(ev.audioStartMs);
      else this.#onSpeechStopped(ev.audioEndMs);
    });
    vad.skip(this.#inputAudioMs);
    this.#vad = vad;
    this.#vadFor = td;
    return vad;
  }

  // -------------------------------------------------------------------------------------------
  // client events

  append(audio: string, clientEventId: string | null): void {
    if (!isBase64(audio)) {
      return this.#ctx.sendError({
        type: 'invalid_request_error',
        code: 'invalid_value',
        message: "Invalid 'audio'. Expected base64-encoded audio bytes.",
        param: 'audio',
        event_id: clientEventId,
      });
    }
    const bytes = Buffer.from(audio, 'base64');
    if (bytes.length === 0) return;
    this.#buffer.push(bytes);
    this.#bufferBytes += bytes.length;
    const vad = this.#ensureVad();
    const ms = bytesToMs(bytes.length);
    this.#inputAudioMs += ms;
    vad?.push(bufferToPcm16(bytes));
  }

  commit(clientEventId: string | null): void {
    const ms = bytesToMs(this.#bufferBytes);
    if (ms < MIN_COMMIT_MS) {
      return this.#ctx.sendError({
        type: 'invalid_request_error',
        code: 'input_audio_buffer_commit_empty',
        message: `Error committing input audio buffer: buffer too small. Expected at least ${MIN_COMMIT_MS}ms of audio, but buffer only has ${ms.toFixed(2)}ms of audio.`,
        param: null,
        event_id: clientEventId,
      });
    }
    const itemId = this.#speechItemId ?? newId('item');
    this.#speechItemId = null;
    this.#vad?.reset();
    this.#commitBuffer(itemId);
  }

  clear(): void {
    this.#buffer = [];
    this.#bufferBytes = 0;
    this.#speechItemId = null;
    this.#vad?.reset();
    this.#ctx.send({ type: 'input_audio_buffer.cleared' });
  }

  // -------------------------------------------------------------------------------------------
  // server VAD

  #onSpeechStarted(audioStartMs: number): void {
    this.#speechItemId = newId('item');
    this.#ctx.send({
      type: 'input_audio_buffer.speech_started',
      audio_start_ms: Math.round(audioStartMs),
      item_id: this.#speechItemId,
    });
    if (
      this.#responses.isActive &&
      this.#ctx.config().turnDetection?.interrupt_response !== false
    ) {
      this.#responses.cancelActive('turn_detected');
    }
  }

  #onSpeechStopped(audioEndMs: number): void {
    const itemId = this.#speechItemId ?? newId('item');
    this.#speechItemId = null;
    this.#ctx.send({
      type: 'input_audio_buffer.speech_stopped',
      audio_end_ms: Math.round(audioEndMs),
      item_id: itemId,
    });
    this.#commitBuffer(itemId);
    if (this.#ctx.config().turnDetection?.create_response === false) return;
    if (this.#responses.isActive) {
      this.#ctx.log.info('speech stopped while a response is active; not creating another');
      return;
    }
    this.#responses.start({ trigger: 'server_vad', clientEventId: null, request: undefined });
  }

  // -------------------------------------------------------------------------------------------
  // commit

  #commitBuffer(itemId: string): void {
    const audioMs = this.#bufferBytes / BYTES_PER_MS;
    this.#buffer = [];
    this.#bufferBytes = 0;
    const previous = this.#conversation.lastItemId();
    this.#ctx.send({
      type: 'input_audio_buffer.committed',
      previous_item_id: previous,
      item_id: itemId,
    });
    const { item, turn } = this.#conversation.addCommittedAudio(itemId, audioMs);
    const transcript = turn.text;

    if (!this.#ctx.config().inputAudioTranscription) return;
    // Transcription runs beside the model, as OpenAI documents: it may finish before or after the
    // response, or fail. Until it ends the item's transcript is pending (conversation.ts flags a
    // delete of such an item: the caller's words would be lost).
    const { jitter } = this.#ctx;
    const delayMs = jitter.draw(jitter.profile.transcriptionDelayMs);
    const fails = jitter.chance(jitter.profile.transcriptionFailRate);
    const finish = (): void => {
      this.#conversation.transcriptionEnded(itemId);
      if (fails) {
        this.#ctx.send({
          type: 'conversation.item.input_audio_transcription.failed',
          item_id: itemId,
          content_index: 0,
          error: {
            type: 'transcription_error',
            code: 'audio_unintelligible',
            message: 'Audio could not be transcribed.',
          },
        });
        return;
      }
      for (const delta of words(transcript)) {
        this.#ctx.send({
          type: 'conversation.item.input_audio_transcription.delta',
          item_id: itemId,
          content_index: 0,
          delta,
        });
      }
      const tokens = estimateTextTokens(transcript);
      this.#ctx.send({
        type: 'conversation.item.input_audio_transcription.completed',
        item_id: itemId,
        content_index: 0,
        transcript,
        usage: {
          type: 'tokens',
          total_tokens: tokens + Math.ceil(audioMs / 100),
          input_tokens: Math.ceil(audioMs / 100),
          input_token_details: { text_tokens: 0, audio_tokens: Math.ceil(audioMs / 100) },
          output_tokens: tokens,
        },
      });
      // The conversation stores this same object: later retrieves and snapshots show the text.
      item.content = [{ type: 'input_audio', transcript }];
    };
    if (delayMs <= 0 && !fails) return finish();
    this.#conversation.transcriptionStarted(itemId);
    if (delayMs <= 0) return finish();
    const timer = setTimeout(() => {
      this.#pendingTimers.delete(timer);
      finish();
    }, delayMs);
    this.#pendingTimers.add(timer);
  }

  /** Pending transcriptions: cancelled when the socket closes. */
  readonly #pendingTimers = new Set<NodeJS.Timeout>();

  cancelPending(): void {
    for (const timer of this.#pendingTimers) clearTimeout(timer);
    this.#pendingTimers.clear();
    this.close();
  }
}
