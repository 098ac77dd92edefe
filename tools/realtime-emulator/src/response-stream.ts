// The responses of one session: at most one active at a time. Streams a planned answer as
// output items, content parts and paced audio/transcript deltas, and closes it on completion,
// `response.cancel`, a server-VAD interruption or a closed socket.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { chunkPcm16, pcm16ToBuffer, synthesizeSpeech } from './audio.js';
import type { Conversation } from './conversation.js';
import type { ResponseRequest } from './client-events.js';
import { newId } from './protocol.js';
import type { FunctionCallRecord, ResponseRecord } from './records.js';
import {
  estimateInputTokens,
  responseObject,
  responseUsage,
  type InputTokens,
  type ResponseStatus,
} from './response-object.js';
import type { Plan, ResponsePlanner } from './response-planner.js';
import type { SessionContext } from './session-context.js';
import { words } from './text.js';
import type {
  AssistantContent,
  ConversationItem,
  RealtimeResponseStatus,
  RealtimeResponseUsage,
} from './wire-types.js';

type OutputItem = ConversationItem & { id: string };

export type AudioPacing = 'realtime' | 'fast' | 'burst';

/** The content part being streamed; a cancel has to close it. */
interface OpenPart {
  itemId: string;
  outputIndex: number;
  audio: boolean;
  transcript: string;
}

export interface ActiveResponse {
  record: ResponseRecord;
  abort: AbortController;
  conversationId: string;
  metadata: Record<string, string> | null;
  outOfBand: boolean;
  output: ConversationItem[];
  openPart: OpenPart | null;
  inputTokens: InputTokens;
}

export interface ResponseStreamDeps {
  conversation: Conversation;
  planner: ResponsePlanner;
  audioPacing(): AudioPacing;
  conversationId: string;
}

class Aborted extends Error {}

const AUDIO_CHUNK_MS = 50;

/** A part in `response.content_part.*` events: the published GA type names them `audio`/`text`. */
function eventPart(
  audio: boolean,
  text: string,
): { type: 'audio' | 'text'; transcript?: string; text?: string } {
  return audio ? { type: 'audio', transcript: text } : { type: 'text', text };
}

/** The same part inside the assistant item: `output_audio` / `output_text`. */
function itemPart(audio: boolean, text: string): AssistantContent {
  return audio ? { type: 'output_audio', transcript: text } : { type: 'output_text', text };
}

function assistantMessage(
  id: string,
  status: 'in_progress' | 'completed' | 'incomplete',
  content: AssistantContent[],
): OutputItem {
  return { id, object: 'realtime.item', type: 'message', status, role: 'assistant', content };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Aborted());
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new Aborted());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export class ResponseStream {
  readonly #ctx: SessionContext;
  readonly #conversation: Conversation;
  readonly #planner: ResponsePlanner;
  readonly #audioPacing: () => AudioPacing;
  readonly #conversationId: string;
  #responses: ResponseRecord[] = [];
  #active: ActiveResponse | null = null;

  constructor(ctx: SessionContext, deps: ResponseStreamDeps) {
    this.#ctx = ctx;
    this.#conversation = deps.conversation;
    this.#planner = deps.planner;
    this.#audioPacing = deps.audioPacing;
    this.#conversationId = deps.conversationId;
  }

  get records(): readonly ResponseRecord[] {
    return this.#responses;
  }

  get isActive(): boolean {
    return this.#active !== null;
  }

  // -------------------------------------------------------------------------------------------
  // client events

  create(request: ResponseRequest, clientEventId: string | null): void {
    if (this.#active) {
      return this.#ctx.sendError({
        type: 'invalid_request_error',
        code: 'conversation_already_has_active_response',
        message: `Conversation already has an active response in progress: ${this.#active.record.id}. Wait until the response is finished before creating a new one.`,
        param: null,
        event_id: clientEventId,
      });
    }
    this.start({ trigger: 'client', clientEventId, request });
  }

  cancel(responseId: string | undefined, clientEventId: string | null): void {
    const active = this.#active;
    if (!active || (responseId !== undefined && responseId !== active.record.id)) {
      return this.#ctx.sendError({
        type: 'invalid_request_error',
        code: 'response_cancel_not_active',
        message: 'Cancellation failed: no active response found',
        param: null,
        event_id: clientEventId,
      });
    }
    this.cancelActive('client_cancelled');
  }

  // -------------------------------------------------------------------------------------------
  // lifecycle

  start(args: {
    trigger: ResponseRecord['trigger'];
    clientEventId: string | null;
    request: ResponseRequest;
  }): void {
    const { request } = args;
    const config = this.#ctx.config();
    const { plan, source, ruleId } = this.#planner.plan(request);
    if (plan.fault?.type === 'already_active') {
      // As if a response the client does not know about (e.g. one the server VAD started) were in
      // progress: OpenAI refuses the create and the client has to retry once it is done.
      this.#ctx.log.info({ ruleId }, 'fault: refusing response.create as already active');
      return this.#ctx.sendError({
        type: 'invalid_request_error',
        code: 'conversation_already_has_active_response',
        message: `Conversation already has an active response in progress: ${newId('resp')}. Wait until the response is finished before creating a new one.`,
        param: null,
        event_id: args.clientEventId,
      });
    }
    const modalities = [
      ...(request?.output_modalities ?? request?.modalities ?? config.outputModalities),
    ];
    const record: ResponseRecord = {
      id: newId('resp'),
      trigger: args.trigger,
      clientEventId: args.clientEventId,
      instructions: request?.instructions ?? null,
      kind: plan.kind,
      source,
      ruleId,
      modalities,
      text: plan.kind === 'message' ? plan.text : null,
      deliveredText: '',
      functionCalls: [],
      status: 'in_progress',
      cancelReason: null,
      fault: plan.fault?.type ?? null,
      audioMs: 0,
    };
    this.#responses.push(record);
    const active: ActiveResponse = {
      record,
      abort: new AbortController(),
      conversationId: this.#conversationId,
      metadata: request?.metadata ?? null,
      outOfBand: request?.conversation === 'none',
      output: [],
      openPart: null,
      inputTokens: estimateInputTokens(
        request?.instructions ?? config.instructions,
        this.#conversation.items,
      ),
    };
    this.#active = active;
    this.#ctx.log.info(
      { responseId: record.id, source, ruleId, kind: plan.kind },
      'response started',
    );
    this.#ctx.send({
      type: 'response.created',
      response: this.#responseObject(active, 'in_progress'),
    });
    if (plan.rateLimits) {
      this.#ctx.send({
        type: 'rate_limits.updated',
        rate_limits: [
          { name: 'requests', limit: 1000, remaining: plan.rateLimits.requests, reset_seconds: 60 },
          { name: 'tokens', limit: 100_000, remaining: plan.rateLimits.tokens, reset_seconds: 60 },
        ],
      });
    }
    const fault = plan.fault;
    if (fault?.type === 'drop' || fault?.type === 'session_expired') {
      const timer = setTimeout(() => {
        if (this.#active === active) this.#ctx.endConnection(fault.type);
      }, fault.afterMs);
      active.abort.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    }
    void this.#run(active, plan, source).catch((error: unknown) => {
      if (error instanceof Aborted) return;
      this.#ctx.log.error({ err: error }, 'response stream failed');
    });
  }

  /** The socket closed: stop streaming silently (nobody is left to receive `response.done`). */
  abandonOnClose(): void {
    if (this.#active) {
      this.#active.abort.abort();
      this.#active.record.status = 'cancelled';
      this.#active.record.cancelReason = 'connection_closed';
      this.#active = null;
    }
  }

  /** Stops the active response now: closes its open parts/items and sends `response.done`. */
  cancelActive(reason: 'client_cancelled' | 'turn_detected'): void {
    const active = this.#active;
    if (!active) return;
    this.#active = null;
    active.abort.abort();
    active.record.status = 'cancelled';
    active.record.cancelReason = reason;
    const part = active.openPart;
    if (part) {
      const base = {
        response_id: active.record.id,
        item_id: part.itemId,
        output_index: part.outputIndex,
        content_index: 0,
      };
      if (part.audio) {
        this.#ctx.send({ type: 'response.output_audio.done', ...base });
        this.#ctx.send({
          type: 'response.output_audio_transcript.done',
          ...base,
          transcript: part.transcript,
        });
      } else {
        this.#ctx.send({ type: 'response.output_text.done', ...base, text: part.transcript });
      }
      this.#ctx.send({
        type: 'response.content_part.done',
        ...base,
        part: eventPart(part.audio, part.transcript),
      });
      const done = assistantMessage(part.itemId, 'incomplete', [
        itemPart(part.audio, part.transcript),
      ]);
      active.output[part.outputIndex] = done;
      const stored = this.#conversation.find(part.itemId);
      if (stored) stored.item = done;
      this.#finishOutputItem(active, done, part.outputIndex);
      active.openPart = null;
    }
    const usage = responseUsage(active.inputTokens, {
      textChars: part?.transcript.length ?? 0,
      audioMs: active.record.audioMs,
    });
    this.#ctx.send({
      type: 'response.done',
      response: this.#responseObject(active, 'cancelled', usage),
    });
    this.#ctx.log.info({ responseId: active.record.id, reason }, 'response cancelled');
  }

  #complete(
    active: ActiveResponse,
    out: { text: number; audioMs: number; callText: string },
    end: { status: 'completed' | 'failed' | 'incomplete'; details?: RealtimeResponseStatus } = {
      status: 'completed',
    },
  ): void {
    if (this.#active !== active) return;
    this.#active = null;
    active.record.status = end.status;
    const usage = responseUsage(active.inputTokens, {
      textChars: out.text + out.callText.length,
      audioMs: out.audioMs,
    });
    this.#ctx.send({
      type: 'response.done',
      response: {
        ...this.#responseObject(active, end.status, usage),
        ...(end.details ? { status_details: end.details } : {}),
      },
    });
    this.#ctx.log.info({ responseId: active.record.id, status: end.status }, 'response done');
  }

  #responseObject(
    active: ActiveResponse,
    status: ResponseStatus,
    usage: RealtimeResponseUsage | null = null,
  ) {
    return responseObject(this.#ctx.config(), active, status, usage);
  }

  // -------------------------------------------------------------------------------------------
  // streaming

  async #pace(signal: AbortSignal, dueAt: number): Promise<void> {
    if (this.#audioPacing() === 'fast') {
      await yieldToLoop();
      if (signal.aborted) throw new Aborted();
      return;
    }
    await sleep(Math.max(0, dueAt - Date.now()), signal);
  }

  /** Time between two 50 ms audio chunks: real time, or `burstFactor` times faster. */
  #chunkIntervalMs(): number {
    return this.#audioPacing() === 'burst'
      ? AUDIO_CHUNK_MS / this.#ctx.scenario().burstFactor
      : AUDIO_CHUNK_MS;
  }

  #addOutputItem(active: ActiveResponse, item: OutputItem, outputIndex: number): void {
    active.output.push(item);
    this.#ctx.send({
      type: 'response.output_item.added',
      response_id: active.record.id,
      output_index: outputIndex,
      item,
    });
    if (!active.outOfBand) {
      const { previousItemId } = this.#conversation.insert(item, undefined, {
        audioMs: item.type === 'message' && active.record.modalities.includes('audio') ? 0 : null,
      });
      this.#ctx.send({ type: 'conversation.item.added', previous_item_id: previousItemId, item });
    }
  }

  #finishOutputItem(active: ActiveResponse, item: OutputItem, outputIndex: number): void {
    this.#ctx.send({
      type: 'response.output_item.done',
      response_id: active.record.id,
      output_index: outputIndex,
      item,
    });
    if (!active.outOfBand) {
      const previous = this.#conversation.previousItemIdOf(item.id);
      this.#ctx.send({ type: 'conversation.item.done', previous_item_id: previous, item });
    }
  }

  /** The model's think time before the first output: per response, more after a tool result. */
  async #modelDelay(signal: AbortSignal, source: ResponseRecord['source']): Promise<void> {
    const { jitter } = this.#ctx;
    const ms =
      this.#ctx.scenario().responseDelayMs +
      jitter.draw(jitter.profile.firstOutputMs) +
      (source === 'tool_reply' ? jitter.draw(jitter.profile.toolReplyDelayMs) : 0);
    if (ms > 0) await sleep(ms, signal);
    else await yieldToLoop();
    if (signal.aborted) throw new Aborted();
  }

  async #run(active: ActiveResponse, plan: Plan, source: ResponseRecord['source']): Promise<void> {
    const { signal } = active.abort;
    await this.#modelDelay(signal, source);
    const fault = plan.fault;

    if (fault?.type === 'failed' || fault?.type === 'server_error') {
      const error = { type: 'server_error', code: 'server_error' };
      if (fault.type === 'server_error') {
        // OpenAI's wording for its 5xx-class failures, as users have logged it.
        this.#ctx.sendError({
          type: 'server_error',
          code: null,
          message:
            'The server had an error while processing your request. Sorry about that! You can retry your request, or contact us through our help center at help.openai.com if the error persists.',
          param: null,
          event_id: null,
        });
      }
      return this.#complete(
        active,
        { text: 0, audioMs: 0, callText: '' },
        { status: 'failed', details: { type: 'failed', error } },
      );
    }

    if (plan.kind === 'function_calls') {
      let outputIndex = 0;
      let spoken = { text: 0, audioMs: 0 };
      if (plan.preamble !== undefined) {
        spoken = await this.#streamMessage(active, plan.preamble, outputIndex++, 1);
      }
      const calls: FunctionCallRecord[] = [];
      for (const call of plan.calls) {
        calls.push(await this.#streamCall(active, call, outputIndex++));
      }
      this.#planner.awaitToolOutputs(plan.followUp, calls);
      this.#complete(active, {
        ...spoken,
        callText: plan.calls.map((c) => c.arguments).join(''),
      });
      return;
    }

    // An incomplete answer stops part-way: the caller hears the start of a sentence.
    const share = fault?.type === 'incomplete' ? 0.4 : 1;
    const out = await this.#streamMessage(active, plan.text, 0, share);
    if (fault?.type === 'incomplete') {
      return this.#complete(
        active,
        { ...out, callText: '' },
        { status: 'incomplete', details: { type: 'incomplete', reason: fault.reason } },
      );
    }
    this.#complete(active, { ...out, callText: '' });
  }

  async #streamCall(
    active: ActiveResponse,
    call: { name: string; arguments: string },
    outputIndex: number,
  ): Promise<FunctionCallRecord> {
    const { signal } = active.abort;
    const itemId = newId('item');
    const callId = newId('call', 16);
    if (!this.#ctx.config().tools.some((t) => t.name === call.name)) {
      this.#ctx.log.warn({ tool: call.name }, 'scenario calls a tool the session did not declare');
    }
    const item: OutputItem & { type: 'function_call' } = {
      id: itemId,
      object: 'realtime.item',
      type: 'function_call',
      status: 'in_progress',
      name: call.name,
      call_id: callId,
      arguments: '',
    };
    this.#addOutputItem(active, item, outputIndex);
    const base = {
      response_id: active.record.id,
      item_id: itemId,
      output_index: outputIndex,
      call_id: callId,
    };
    // Arguments arrive as the model writes them: several deltas in the realistic profile.
    const { jitter } = this.#ctx;
    const pieces = Math.max(
      1,
      Math.min(call.arguments.length, jitter.draw(jitter.profile.argumentDeltas)),
    );
    const size = Math.ceil(call.arguments.length / pieces);
    for (let at = 0; at < call.arguments.length || at === 0; at += size) {
      this.#ctx.send({
        type: 'response.function_call_arguments.delta',
        ...base,
        delta: call.arguments.slice(at, at + size),
      });
      await this.#pace(signal, Date.now() + (pieces > 1 ? 30 : 0));
      if (size === 0) break;
    }
    this.#ctx.send({
      type: 'response.function_call_arguments.done',
      ...base,
      name: call.name,
      arguments: call.arguments,
    });
    const done: OutputItem = { ...item, status: 'completed', arguments: call.arguments };
    active.output[outputIndex] = done;
    const stored = this.#conversation.find(itemId);
    if (stored) stored.item = done;
    this.#finishOutputItem(active, done, outputIndex);
    const record: FunctionCallRecord = {
      callId,
      itemId,
      name: call.name,
      arguments: call.arguments,
      responseId: active.record.id,
    };
    this.#conversation.recordFunctionCall(record);
    active.record.functionCalls.push(record);
    return record;
  }

  /**
   * Streams one assistant message. `share` < 1 stops after that part of it (an incomplete
   * response): the item is then closed `incomplete`.
   */
  async #streamMessage(
    active: ActiveResponse,
    text: string,
    outputIndex: number,
    share: number,
  ): Promise<{ text: number; audioMs: number }> {
    const { signal } = active.abort;
    const scenario = this.#ctx.scenario();
    const audio = active.record.modalities.includes('audio');
    const itemId = newId('item');
    this.#addOutputItem(active, assistantMessage(itemId, 'in_progress', []), outputIndex);
    const base = {
      response_id: active.record.id,
      item_id: itemId,
      output_index: outputIndex,
      content_index: 0,
    };
    this.#ctx.send({ type: 'response.content_part.added', ...base, part: eventPart(audio, '') });
    active.openPart = { itemId, outputIndex, audio, transcript: '' };
    const tokens = words(text);
    const part = active.openPart;
    const audioBefore = active.record.audioMs;

    if (audio) {
      const pcm = synthesizeSpeech(text, {
        msPerChar: scenario.msPerChar,
        minMs: scenario.minAudioMs,
        maxMs: scenario.maxAudioMs,
      });
      const all = chunkPcm16(pcm, AUDIO_CHUNK_MS);
      const chunks = all.slice(0, Math.max(1, Math.ceil(all.length * share)));
      const start = Date.now();
      const interval = this.#chunkIntervalMs();
      let sentWords = 0;
      for (const [i, chunk] of chunks.entries()) {
        // Transcript runs slightly ahead of the audio, as with OpenAI.
        const wordsDue = Math.min(tokens.length, Math.ceil(((i + 1) * tokens.length) / all.length));
        for (; sentWords < wordsDue; sentWords++) {
          const delta = tokens[sentWords] ?? '';
          part.transcript += delta;
          active.record.deliveredText = part.transcript;
          this.#ctx.send({ type: 'response.output_audio_transcript.delta', ...base, delta });
        }
        this.#ctx.send({
          type: 'response.output_audio.delta',
          ...base,
          delta: pcm16ToBuffer(chunk).toString('base64'),
        });
        active.record.audioMs += (chunk.length / 24000) * 1000;
        const stored = this.#conversation.find(itemId);
        if (stored) stored.audioMs = active.record.audioMs - audioBefore;
        // Keep one chunk of lead over the pace.
        await this.#pace(signal, start + i * interval);
      }
      this.#ctx.send({ type: 'response.output_audio.done', ...base });
      this.#ctx.send({
        type: 'response.output_audio_transcript.done',
        ...base,
        transcript: part.transcript,
      });
    } else {
      const due = Math.max(1, Math.ceil(tokens.length * share));
      for (const delta of tokens.slice(0, due)) {
        part.transcript += delta;
        active.record.deliveredText = part.transcript;
        this.#ctx.send({ type: 'response.output_text.delta', ...base, delta });
        await this.#pace(signal, Date.now() + 30);
      }
      this.#ctx.send({ type: 'response.output_text.done', ...base, text: part.transcript });
    }
    this.#ctx.send({
      type: 'response.content_part.done',
      ...base,
      part: eventPart(audio, part.transcript),
    });
    active.openPart = null;
    const done = assistantMessage(itemId, share < 1 ? 'incomplete' : 'completed', [
      itemPart(audio, part.transcript),
    ]);
    active.output[outputIndex] = done;
    const stored = this.#conversation.find(itemId);
    if (stored) stored.item = done;
    this.#finishOutputItem(active, done, outputIndex);
    return {
      text: share < 1 ? part.transcript.length : text.length,
      audioMs: active.record.audioMs,
    };
  }
}
