// One WebSocket connection = one emulated Realtime session with its own conversation.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Logger } from 'pino';
import { WebSocket } from 'ws';
import {
  BYTES_PER_MS,
  bufferToPcm16,
  bytesToMs,
  chunkPcm16,
  pcm16ToBuffer,
  synthesizeSpeech,
} from './audio.js';
import {
  EVENT_NAMES,
  SUPPORTED_CLIENT_EVENTS,
  applyBetaSessionUpdate,
  applyGaSessionUpdate,
  betaSessionSchema,
  clientEventSchema,
  defaultSessionConfig,
  gaSessionSchema,
  isBase64,
  newId,
  sessionObject,
  zodIssueToError,
  type ClientEvent,
  type ClientItem,
  type Dialect,
  type RealtimeErrorBody,
  type SessionConfig,
  type TurnDetection,
} from './protocol.js';
import {
  applyArgumentTemplate,
  applyTemplate,
  functionCalls,
  matchInstructions,
  matchUserTurn,
  sayText,
  transcriptForAudioTurn,
  type Scenario,
  type ScenarioActions,
  type TemplateContext,
} from './scenario.js';
import { EnergyVad, type EnergyVadOptions } from './vad.js';

type Json = Record<string, unknown>;

export type AudioPacing = 'realtime' | 'fast';

/** A user turn: a user message item (typed text or committed audio). */
export interface UserTurnRecord {
  /** 0-based count of user message items in this session. */
  index: number;
  itemId: string;
  kind: 'text' | 'audio';
  /** Typed text, or for audio the transcript the scenario gives. */
  text: string;
  audioMs: number;
  answered: boolean;
}

export interface FunctionCallRecord {
  callId: string;
  itemId: string;
  name: string;
  arguments: string;
  responseId: string;
}

export interface FunctionCallOutputRecord {
  callId: string;
  itemId: string;
  output: string;
  receivedAt: number;
  /** The function call of this session with the same call_id, if any. */
  name: string | null;
}

export interface ResponseRecord {
  id: string;
  trigger: 'client' | 'server_vad';
  clientEventId: string | null;
  instructions: string | null;
  kind: 'message' | 'function_calls';
  source: 'tool_reply' | 'rule' | 'instructions' | 'greeting' | 'fallback';
  ruleId: string | null;
  modalities: Array<'audio' | 'text'>;
  /** The planned answer text. */
  text: string | null;
  /** Transcript/text actually streamed (shorter than `text` when cancelled). */
  deliveredText: string;
  functionCalls: FunctionCallRecord[];
  status: 'in_progress' | 'completed' | 'cancelled';
  cancelReason: string | null;
  audioMs: number;
}

export interface ConversationItemRecord {
  id: string;
  type: string;
  role: string | null;
  /** The item as the server reports it (audio payloads removed). */
  item: Json;
  audioMs: number | null;
  truncatedAtMs: number | null;
}

export interface EmulatorSessionInfo {
  id: string;
  dialect: Dialect;
  path: string;
  model: string;
  auth: { bearer: boolean; apiKeyHeader: boolean; subprotocolKey: boolean };
  userAgent: string | null;
  openaiBeta: string | null;
  connectedAt: number;
  closedAt: number | null;
  open: boolean;
  config: SessionConfig;
  conversation: ConversationItemRecord[];
  userTurns: UserTurnRecord[];
  responses: ResponseRecord[];
  functionCalls: FunctionCallRecord[];
  functionCallOutputs: FunctionCallOutputRecord[];
  inputAudioMs: number;
}

export interface SessionHooks {
  logger: Logger;
  scenario(): Scenario;
  audioPacing(): AudioPacing;
  onClientEvent(sessionId: string, type: string, event: Json): void;
  onServerEvent(sessionId: string, event: Json): void;
  onClose(sessionId: string): void;
}

export interface ConnectionInfo {
  dialect: Dialect;
  path: string;
  model: string;
  auth: EmulatorSessionInfo['auth'];
  userAgent: string | null;
  openaiBeta: string | null;
}

interface PendingToolReply {
  calls: FunctionCallRecord[];
  outputs: Map<string, string>;
  actions: ScenarioActions;
  ctx: TemplateContext;
  ruleId: string | null;
}

type Plan =
  | { kind: 'message'; text: string }
  | {
      kind: 'function_calls';
      calls: Array<{ name: string; arguments: string }>;
      followUp: Omit<PendingToolReply, 'calls' | 'outputs'>;
    };

interface OpenPart {
  itemId: string;
  outputIndex: number;
  audio: boolean;
  transcript: string;
}

interface ActiveResponse {
  record: ResponseRecord;
  abort: AbortController;
  conversationId: string;
  metadata: Json | null;
  outOfBand: boolean;
  output: Json[];
  openPart: OpenPart | null;
  inputTokens: { text: number; audio: number };
}

class Aborted extends Error {}

const AUDIO_CHUNK_MS = 50;
const MIN_COMMIT_MS = 100;

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

function words(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [text];
}

function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function userTextOf(item: ClientItem): { text: string; hasAudio: boolean } {
  if (item.type !== 'message') return { text: '', hasAudio: false };
  const texts: string[] = [];
  let hasAudio = false;
  for (const part of item.content) {
    if ((part.type === 'input_text' || part.type === 'text') && part.text !== undefined) {
      texts.push(part.text);
    } else if (part.type === 'input_audio') {
      hasAudio = true;
      if (part.transcript) texts.push(part.transcript);
    }
  }
  return { text: texts.join(' '), hasAudio };
}

export class EmulatorSession {
  readonly id = newId('sess');
  readonly #ws: WebSocket;
  readonly #hooks: SessionHooks;
  readonly #log: Logger;
  readonly #conn: ConnectionInfo;
  readonly #names;
  readonly #conversationId = newId('conv');
  readonly #connectedAt = Date.now();
  #closedAt: number | null = null;
  #config: SessionConfig;

  #conversation: ConversationItemRecord[] = [];
  #userTurns: UserTurnRecord[] = [];
  #pendingTurn: UserTurnRecord | null = null;
  #pendingToolReply: PendingToolReply | null = null;
  #responses: ResponseRecord[] = [];
  #functionCalls: FunctionCallRecord[] = [];
  #functionCallOutputs: FunctionCallOutputRecord[] = [];
  #active: ActiveResponse | null = null;

  // input audio
  #buffer: Buffer[] = [];
  #bufferBytes = 0;
  #inputAudioMs = 0;
  #vad: EnergyVad | null = null;
  #vadFor: TurnDetection | null = null;
  #speechItemId: string | null = null;

  constructor(ws: WebSocket, conn: ConnectionInfo, hooks: SessionHooks) {
    this.#ws = ws;
    this.#conn = conn;
    this.#hooks = hooks;
    this.#names = EVENT_NAMES[conn.dialect];
    this.#log = hooks.logger.child({ sessionId: this.id });
    this.#config = defaultSessionConfig(conn.model, conn.dialect);

    ws.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    ws.on('close', () => this.#onClose());
    ws.on('error', (error) => this.#log.warn({ err: error }, 'websocket error'));

    this.#send({ type: 'session.created', session: this.#sessionObject() });
  }

  get open(): boolean {
    return this.#closedAt === null;
  }

  /** Closes the socket abruptly (no close frame), like a network failure. */
  terminate(): void {
    this.#ws.terminate();
  }

  info(): EmulatorSessionInfo {
    return structuredClone({
      id: this.id,
      dialect: this.#conn.dialect,
      path: this.#conn.path,
      model: this.#conn.model,
      auth: this.#conn.auth,
      userAgent: this.#conn.userAgent,
      openaiBeta: this.#conn.openaiBeta,
      connectedAt: this.#connectedAt,
      closedAt: this.#closedAt,
      open: this.open,
      config: this.#config,
      conversation: this.#conversation,
      userTurns: this.#userTurns,
      responses: this.#responses,
      functionCalls: this.#functionCalls,
      functionCallOutputs: this.#functionCallOutputs,
      inputAudioMs: this.#inputAudioMs,
    });
  }

  // -------------------------------------------------------------------------------------------
  // transport

  #sessionObject(): Json {
    return sessionObject(
      this.id,
      this.#config,
      this.#conn.dialect,
      Math.floor(Date.now() / 1000) + 1800,
    );
  }

  #send(event: Json): void {
    const full = { event_id: newId('event'), ...event };
    this.#hooks.onServerEvent(this.id, full);
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify(full));
  }

  #sendError(error: RealtimeErrorBody): void {
    this.#log.info({ error }, 'answering client event with an error');
    this.#send({ type: 'error', error });
  }

  #onClose(): void {
    if (this.#closedAt !== null) return;
    this.#closedAt = Date.now();
    if (this.#active) {
      this.#active.abort.abort();
      this.#active.record.status = 'cancelled';
      this.#active.record.cancelReason = 'connection_closed';
      this.#active = null;
    }
    this.#log.info('session closed');
    this.#hooks.onClose(this.id);
  }

  #onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.from(data as ArrayBuffer).toString('utf8');
    let parsed: unknown;
    try {
      if (isBinary) throw new Error('binary frame');
      parsed = JSON.parse(text);
    } catch {
      this.#hooks.onClientEvent(this.id, '(invalid json)', { raw: text.slice(0, 2000) });
      this.#sendError({
        type: 'invalid_request_error',
        code: 'invalid_json',
        message:
          'The server could not parse the client event: expected a JSON object in a text frame.',
        param: null,
        event_id: null,
      });
      return;
    }
    const obj: Json =
      parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (parsed as Json)
        : { value: parsed };
    const type = typeof obj.type === 'string' ? obj.type : '(missing type)';
    this.#hooks.onClientEvent(this.id, type, obj);
    const clientEventId = typeof obj.event_id === 'string' ? obj.event_id : null;

    if (typeof obj.type !== 'string') {
      this.#sendError({
        type: 'invalid_request_error',
        code: 'missing_required_parameter',
        message: "Missing required parameter: 'type'.",
        param: 'type',
        event_id: clientEventId,
      });
      return;
    }
    if (!(SUPPORTED_CLIENT_EVENTS as readonly string[]).includes(obj.type)) {
      this.#sendError({
        type: 'invalid_request_error',
        code: 'invalid_value',
        message: `Invalid value: '${obj.type}'. Supported values are: ${SUPPORTED_CLIENT_EVENTS.map((t) => `'${t}'`).join(', ')}.`,
        param: 'type',
        event_id: clientEventId,
      });
      return;
    }
    const result = clientEventSchema.safeParse(obj, { reportInput: true });
    if (!result.success) {
      this.#sendError(zodIssueToError(result.error.issues, '', clientEventId));
      return;
    }
    try {
      this.#dispatch(result.data, clientEventId);
    } catch (error) {
      this.#log.error({ err: error, type }, 'emulator failed to handle a client event');
      this.#sendError({
        type: 'server_error',
        code: null,
        message: `The emulator failed to handle '${type}': ${(error as Error).message}`,
        param: null,
        event_id: clientEventId,
      });
    }
  }

  #dispatch(ev: ClientEvent, clientEventId: string | null): void {
    switch (ev.type) {
      case 'session.update':
        return this.#onSessionUpdate(ev.session, clientEventId);
      case 'input_audio_buffer.append':
        return this.#onAppend(ev.audio, clientEventId);
      case 'input_audio_buffer.commit':
        return this.#onCommit(clientEventId);
      case 'input_audio_buffer.clear':
        return this.#onClear();
      case 'conversation.item.create':
        return this.#onItemCreate(ev.item, ev.previous_item_id, clientEventId);
      case 'conversation.item.delete':
        return this.#onItemDelete(ev.item_id, clientEventId);
      case 'conversation.item.retrieve':
        return this.#onItemRetrieve(ev.item_id, clientEventId);
      case 'conversation.item.truncate':
        return this.#onItemTruncate(ev.item_id, ev.content_index, ev.audio_end_ms, clientEventId);
      case 'response.create':
        return this.#onResponseCreate(ev.response, clientEventId);
      case 'response.cancel':
        return this.#onResponseCancel(ev.response_id, clientEventId);
    }
  }

  // -------------------------------------------------------------------------------------------
  // session.update

  #onSessionUpdate(session: Json, clientEventId: string | null): void {
    if (this.#conn.dialect === 'ga') {
      const r = gaSessionSchema.safeParse(session, { reportInput: true });
      if (!r.success)
        return this.#sendError(zodIssueToError(r.error.issues, 'session', clientEventId));
      this.#config = applyGaSessionUpdate(this.#config, r.data);
    } else {
      const r = betaSessionSchema.safeParse(session, { reportInput: true });
      if (!r.success)
        return this.#sendError(zodIssueToError(r.error.issues, 'session', clientEventId));
      this.#config = applyBetaSessionUpdate(this.#config, r.data);
    }
    const tc = this.#config.toolChoice;
    if (typeof tc === 'string' && !['auto', 'none', 'required'].includes(tc)) {
      this.#log.warn(
        { toolChoice: tc },
        "tool_choice is a bare string other than 'auto' | 'none' | 'required'; OpenAI documents { type: 'function', name } for a specific function",
      );
    }
    this.#log.debug({ config: this.#config }, 'session updated');
    this.#send({ type: 'session.updated', session: this.#sessionObject() });
  }

  // -------------------------------------------------------------------------------------------
  // conversation

  #insertItem(
    item: Json,
    previousItemId: string | null | undefined,
    extra: Partial<ConversationItemRecord> = {},
  ): { previousItemId: string | null } {
    let index = this.#conversation.length;
    if (previousItemId === 'root') index = 0;
    else if (previousItemId) {
      const prev = this.#conversation.findIndex((i) => i.id === previousItemId);
      if (prev < 0) throw new Error(`previous item ${previousItemId} not found`);
      index = prev + 1;
    }
    const id = String(item.id);
    this.#conversation.splice(index, 0, {
      id,
      type: String(item.type),
      role: typeof item.role === 'string' ? item.role : null,
      item,
      audioMs: null,
      truncatedAtMs: null,
      ...extra,
    });
    return { previousItemId: index > 0 ? (this.#conversation[index - 1]?.id ?? null) : null };
  }

  #lastItemId(): string | null {
    return this.#conversation.at(-1)?.id ?? null;
  }

  #announceItem(item: Json, previousItemId: string | null): void {
    this.#send({ type: this.#names.itemAdded, previous_item_id: previousItemId, item });
    if (this.#names.itemDone) {
      this.#send({ type: this.#names.itemDone, previous_item_id: previousItemId, item });
    }
  }

  #onItemCreate(
    item: ClientItem,
    previousItemId: string | null | undefined,
    clientEventId: string | null,
  ): void {
    const id = item.id ?? newId('item');
    if (this.#conversation.some((i) => i.id === id)) {
      return this.#sendError({
        type: 'invalid_request_error',
        code: 'invalid_value',
        message: `Error adding item: the id '${id}' is already in use.`,
        param: 'item.id',
        event_id: clientEventId,
      });
    }
    if (
      previousItemId &&
      previousItemId !== 'root' &&
      !this.#conversation.some((i) => i.id === previousItemId)
    ) {
      return this.#sendError({
        type: 'invalid_request_error',
        code: 'invalid_value',
        message: `Error adding item: the previous_item_id '${previousItemId}' does not exist.`,
        param: 'previous_item_id',
        event_id: clientEventId,
      });
    }
    if (item.type === 'message') {
      const allowed =
        item.role === 'assistant'
          ? this.#conn.dialect === 'ga'
            ? ['output_text', 'output_audio']
            : ['text', 'audio']
          : ['input_text', 'input_audio', 'input_image'];
      const bad = item.content.findIndex((p) => !allowed.includes(p.type));
      if (bad >= 0) {
        return this.#sendError({
          type: 'invalid_request_error',
          code: 'invalid_value',
          message: `Invalid value: '${item.content[bad]?.type}'. Supported values for a ${item.role} message are: ${allowed.map((a) => `'${a}'`).join(', ')}.`,
          param: `item.content[${bad}].type`,
          event_id: clientEventId,
        });
      }
    }

    const echoed: Json = { ...item, id, object: 'realtime.item', status: 'completed' };
    let audioMs: number | null = null;
    if (item.type === 'message') {
      echoed.content = item.content.map((p) => {
        if (p.type !== 'input_audio') return p;
        const bytes = p.audio ? Buffer.from(p.audio, 'base64').length : 0;
        audioMs = (audioMs ?? 0) + bytesToMs(bytes);
        return { type: 'input_audio', transcript: p.transcript ?? null };
      });
    }
    const appendedAtEnd = !previousItemId || previousItemId === this.#lastItemId();
    const { previousItemId: prev } = this.#insertItem(echoed, previousItemId, { audioMs });
    this.#announceItem(echoed, prev);

    if (item.type === 'message' && item.role === 'user') {
      const { text, hasAudio } = userTextOf(item);
      const kind = hasAudio && text === '' ? 'audio' : 'text';
      const index = this.#userTurns.length;
      const turn: UserTurnRecord = {
        index,
        itemId: id,
        kind,
        text: kind === 'audio' ? transcriptForAudioTurn(this.#hooks.scenario(), index) : text,
        audioMs: audioMs ?? 0,
        answered: false,
      };
      this.#userTurns.push(turn);
      if (appendedAtEnd) this.#pendingTurn = turn;
    } else if (item.type === 'message' && item.role === 'assistant' && appendedAtEnd) {
      // History replayed by the client: the last user turn already has its answer.
      if (this.#pendingTurn) this.#pendingTurn.answered = true;
      this.#pendingTurn = null;
    } else if (item.type === 'function_call_output') {
      const call = this.#functionCalls.find((c) => c.callId === item.call_id);
      this.#functionCallOutputs.push({
        callId: item.call_id,
        itemId: id,
        output: item.output,
        receivedAt: Date.now(),
        name: call?.name ?? null,
      });
      const pending = this.#pendingToolReply;
      if (pending?.calls.some((c) => c.callId === item.call_id)) {
        pending.outputs.set(item.call_id, item.output);
      } else {
        this.#log.info(
          { callId: item.call_id },
          'function_call_output for a call the emulator is not waiting on',
        );
      }
    }
  }

  #onItemDelete(itemId: string, clientEventId: string | null): void {
    const index = this.#conversation.findIndex((i) => i.id === itemId);
    if (index < 0) {
      return this.#sendError({
        type: 'invalid_request_error',
        code: 'invalid_value',
        message: `Error deleting item: the item with id '${itemId}' does not exist.`,
        param: 'item_id',
        event_id: clientEventId,
      });
    }
    this.#conversation.splice(index, 1);
    if (this.#pendingTurn?.itemId === itemId) this.#pendingTurn = null;
    this.#send({ type: 'conversation.item.deleted', item_id: itemId });
  }

  #onItemRetrieve(itemId: string, clientEventId: string | null): void {
    const found = this.#conversation.find((i) => i.id === itemId);
    if (!found) {
      return this.#sendError({
        type: 'invalid_request_error',
        code: 'invalid_value',
        message: `Error retrieving item: the item with id '${itemId}' does not exist.`,
        param: 'item_id',
        event_id: clientEventId,
      });
    }
    this.#send({ type: 'conversation.item.retrieved', item: found.item });
  }

  #onItemTruncate(
    itemId: string,
    contentIndex: number,
    audioEndMs: number,
    clientEventId: string | null,
  ): void {
    const found = this.#conversation.find((i) => i.id === itemId);
    const fail = (message: string, param: string): void =>
      this.#sendError({
        type: 'invalid_request_error',
        code: 'invalid_value',
        message,
        param,
        event_id: clientEventId,
      });
    if (!found)
      return fail(`Error truncating item: the item with id '${itemId}' does not exist.`, 'item_id');
    if (found.role !== 'assistant' || found.audioMs === null) {
      return fail(
        'Error truncating item: only assistant messages with audio can be truncated.',
        'item_id',
      );
    }
    if (contentIndex !== 0)
      return fail(
        `Error truncating item: no audio content at index ${contentIndex}.`,
        'content_index',
      );
    if (audioEndMs > Math.ceil(found.audioMs)) {
      return fail(
        `Audio content of ${Math.round(found.audioMs)}ms is already shorter than ${audioEndMs}ms`,
        'audio_end_ms',
      );
    }
    found.truncatedAtMs = audioEndMs;
    this.#send({
      type: 'conversation.item.truncated',
      item_id: itemId,
      content_index: contentIndex,
      audio_end_ms: audioEndMs,
    });
  }

  // -------------------------------------------------------------------------------------------
  // input audio buffer and server VAD

  #vadOptions(td: TurnDetection): EnergyVadOptions {
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

  #ensureVad(): EnergyVad | null {
    const td = this.#config.turnDetection;
    if (!td) {
      this.#vad = null;
      this.#vadFor = null;
      return null;
    }
    if (this.#vad && this.#vadFor === td) return this.#vad;
    const vad = new EnergyVad(this.#vadOptions(td));
    vad.skip(this.#inputAudioMs);
    this.#vad = vad;
    this.#vadFor = td;
    return vad;
  }

  #onAppend(audio: string, clientEventId: string | null): void {
    if (!isBase64(audio)) {
      return this.#sendError({
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
    if (!vad) return;
    for (const ev of vad.push(bufferToPcm16(bytes))) {
      if (ev.type === 'speech_started') this.#onSpeechStarted(ev.audioStartMs);
      else this.#onSpeechStopped(ev.audioEndMs);
    }
  }

  #onSpeechStarted(audioStartMs: number): void {
    this.#speechItemId = newId('item');
    this.#send({
      type: 'input_audio_buffer.speech_started',
      audio_start_ms: Math.round(audioStartMs),
      item_id: this.#speechItemId,
    });
    if (this.#active && this.#config.turnDetection?.interrupt_response !== false) {
      this.#cancelActive('turn_detected');
    }
  }

  #onSpeechStopped(audioEndMs: number): void {
    const itemId = this.#speechItemId ?? newId('item');
    this.#speechItemId = null;
    this.#send({
      type: 'input_audio_buffer.speech_stopped',
      audio_end_ms: Math.round(audioEndMs),
      item_id: itemId,
    });
    this.#commitBuffer(itemId);
    if (this.#config.turnDetection?.create_response === false) return;
    if (this.#active) {
      this.#log.info('speech stopped while a response is active; not creating another');
      return;
    }
    this.#startResponse({ trigger: 'server_vad', clientEventId: null, request: undefined });
  }

  #onCommit(clientEventId: string | null): void {
    const ms = bytesToMs(this.#bufferBytes);
    if (ms < MIN_COMMIT_MS) {
      return this.#sendError({
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

  #onClear(): void {
    this.#buffer = [];
    this.#bufferBytes = 0;
    this.#speechItemId = null;
    this.#vad?.reset();
    this.#send({ type: 'input_audio_buffer.cleared' });
  }

  #commitBuffer(itemId: string): void {
    const audioMs = this.#bufferBytes / BYTES_PER_MS;
    this.#buffer = [];
    this.#bufferBytes = 0;
    const previous = this.#lastItemId();
    this.#send({
      type: 'input_audio_buffer.committed',
      previous_item_id: previous,
      item_id: itemId,
    });
    const item: Json = {
      id: itemId,
      object: 'realtime.item',
      type: 'message',
      status: 'completed',
      role: 'user',
      content: [{ type: 'input_audio', transcript: null }],
    };
    const { previousItemId } = this.#insertItem(item, undefined, { audioMs });
    this.#announceItem(item, previousItemId);

    const index = this.#userTurns.length;
    const transcript = transcriptForAudioTurn(this.#hooks.scenario(), index);
    const turn: UserTurnRecord = {
      index,
      itemId,
      kind: 'audio',
      text: transcript,
      audioMs,
      answered: false,
    };
    this.#userTurns.push(turn);
    this.#pendingTurn = turn;

    if (this.#config.inputAudioTranscription) {
      for (const delta of words(transcript)) {
        this.#send({
          type: 'conversation.item.input_audio_transcription.delta',
          item_id: itemId,
          content_index: 0,
          delta,
        });
      }
      const tokens = estimateTextTokens(transcript);
      this.#send({
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
      item.content = [{ type: 'input_audio', transcript }];
    }
  }

  // -------------------------------------------------------------------------------------------
  // responses

  #onResponseCreate(
    request: Extract<ClientEvent, { type: 'response.create' }>['response'],
    clientEventId: string | null,
  ): void {
    if (this.#active) {
      return this.#sendError({
        type: 'invalid_request_error',
        code: 'conversation_already_has_active_response',
        message: `Conversation already has an active response in progress: ${this.#active.record.id}. Wait until the response is finished before creating a new one.`,
        param: null,
        event_id: clientEventId,
      });
    }
    this.#startResponse({ trigger: 'client', clientEventId, request });
  }

  #onResponseCancel(responseId: string | undefined, clientEventId: string | null): void {
    const active = this.#active;
    if (!active || (responseId !== undefined && responseId !== active.record.id)) {
      return this.#sendError({
        type: 'invalid_request_error',
        code: 'response_cancel_not_active',
        message: 'Cancellation failed: no active response found',
        param: null,
        event_id: clientEventId,
      });
    }
    this.#cancelActive('client_cancelled');
  }

  #toolChoiceAllowsCalls(
    request: Extract<ClientEvent, { type: 'response.create' }>['response'],
  ): boolean {
    const choice = request?.tool_choice ?? this.#config.toolChoice;
    return choice !== 'none';
  }

  #plan(request: Extract<ClientEvent, { type: 'response.create' }>['response']): {
    plan: Plan;
    source: ResponseRecord['source'];
    ruleId: string | null;
  } {
    const scenario = this.#hooks.scenario();
    const allowCalls = this.#toolChoiceAllowsCalls(request);

    const fromActions = (
      actions: ScenarioActions,
      ctx: TemplateContext,
      ruleId: string | null,
    ): Plan => {
      const calls = functionCalls(actions.function_call);
      if (calls.length > 0 && allowCalls) {
        return {
          kind: 'function_calls',
          calls: calls.map((c) => ({
            name: c.name,
            arguments: JSON.stringify(applyArgumentTemplate(c.arguments, ctx)),
          })),
          followUp: { actions, ctx, ruleId },
        };
      }
      const say = sayText(actions.say) ?? sayText(scenario.fallback.say) ?? 'OK.';
      return { kind: 'message', text: applyTemplate(say, ctx) };
    };

    const pending = this.#pendingToolReply;
    if (pending && pending.calls.every((c) => pending.outputs.has(c.callId))) {
      this.#pendingToolReply = null;
      const ctx: TemplateContext = {
        ...pending.ctx,
        outputs: pending.calls.map((c) => pending.outputs.get(c.callId) ?? ''),
      };
      const say = sayText(pending.actions.say);
      if (say !== undefined) {
        return {
          plan: { kind: 'message', text: applyTemplate(say, ctx) },
          source: 'tool_reply',
          ruleId: pending.ruleId,
        };
      }
      return { plan: fromActions(scenario.fallback, ctx, null), source: 'fallback', ruleId: null };
    }
    if (pending) {
      this.#log.warn(
        {
          waitingFor: pending.calls
            .filter((c) => !pending.outputs.has(c.callId))
            .map((c) => c.callId),
        },
        'response.create while tool outputs are still missing; answering without them',
      );
    }

    const turn = this.#pendingTurn;
    if (turn && !turn.answered) {
      turn.answered = true;
      this.#pendingTurn = null;
      const match = matchUserTurn(scenario, { index: turn.index, text: turn.text });
      if (match) {
        const ctx = { captures: match.captures, text: turn.text };
        const ruleId = match.rule.id ?? `rules[${match.index}]`;
        return { plan: fromActions(match.rule, ctx, ruleId), source: 'rule', ruleId };
      }
      return {
        plan: fromActions(scenario.fallback, { captures: [], text: turn.text }, null),
        source: 'fallback',
        ruleId: null,
      };
    }

    const instructions = request?.instructions;
    if (instructions !== undefined) {
      const match = matchInstructions(scenario, instructions);
      if (match) {
        const ruleId = match.rule.id ?? `rules[${match.index}]`;
        return {
          plan: fromActions(match.rule, { captures: match.captures }, ruleId),
          source: 'instructions',
          ruleId,
        };
      }
    }
    if (scenario.greeting) {
      return {
        plan: fromActions(scenario.greeting, { captures: [] }, 'greeting'),
        source: 'greeting',
        ruleId: 'greeting',
      };
    }
    return {
      plan: fromActions(scenario.fallback, { captures: [] }, null),
      source: 'fallback',
      ruleId: null,
    };
  }

  #startResponse(args: {
    trigger: ResponseRecord['trigger'];
    clientEventId: string | null;
    request: Extract<ClientEvent, { type: 'response.create' }>['response'];
  }): void {
    const { request } = args;
    const { plan, source, ruleId } = this.#plan(request);
    const modalities = [
      ...(request?.output_modalities ?? request?.modalities ?? this.#config.outputModalities),
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
      inputTokens: this.#estimateInputTokens(request?.instructions),
    };
    this.#active = active;
    this.#log.info({ responseId: record.id, source, ruleId, kind: plan.kind }, 'response started');
    this.#send({ type: 'response.created', response: this.#responseObject(active, 'in_progress') });
    void this.#run(active, plan).catch((error: unknown) => {
      if (error instanceof Aborted) return;
      this.#log.error({ err: error }, 'response stream failed');
    });
  }

  #estimateInputTokens(instructions: string | undefined): { text: number; audio: number } {
    let text = instructions ?? this.#config.instructions;
    let audioMs = 0;
    for (const c of this.#conversation) {
      text += JSON.stringify(c.item.content ?? c.item.arguments ?? c.item.output ?? '');
      if (c.role === 'user' && c.audioMs) audioMs += c.audioMs;
    }
    return { text: estimateTextTokens(text), audio: Math.ceil(audioMs / 100) };
  }

  #responseObject(active: ActiveResponse, status: string, usage: Json | null = null): Json {
    const r = active.record;
    const statusDetails =
      status === 'cancelled'
        ? { type: 'cancelled', reason: r.cancelReason ?? 'client_cancelled' }
        : null;
    if (this.#conn.dialect === 'beta') {
      return {
        object: 'realtime.response',
        id: r.id,
        status,
        status_details: statusDetails,
        output: active.output,
        conversation_id: active.outOfBand ? null : active.conversationId,
        modalities: r.modalities,
        voice: this.#config.voice,
        output_audio_format: 'pcm16',
        max_output_tokens: this.#config.maxOutputTokens,
        temperature: this.#config.temperature,
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
      max_output_tokens: this.#config.maxOutputTokens,
      audio: { output: { format: { type: 'audio/pcm', rate: 24000 }, voice: this.#config.voice } },
      usage,
      metadata: active.metadata,
    };
  }

  async #pace(signal: AbortSignal, dueAt: number): Promise<void> {
    if (this.#hooks.audioPacing() === 'fast') {
      await yieldToLoop();
      if (signal.aborted) throw new Aborted();
      return;
    }
    await sleep(Math.max(0, dueAt - Date.now()), signal);
  }

  #addOutputItem(active: ActiveResponse, item: Json, outputIndex: number): void {
    active.output.push(item);
    this.#send({
      type: 'response.output_item.added',
      response_id: active.record.id,
      output_index: outputIndex,
      item,
    });
    if (!active.outOfBand) {
      const { previousItemId } = this.#insertItem(item, undefined, {
        audioMs: item.type === 'message' && active.record.modalities.includes('audio') ? 0 : null,
      });
      this.#send({ type: this.#names.itemAdded, previous_item_id: previousItemId, item });
    }
  }

  #finishOutputItem(active: ActiveResponse, item: Json, outputIndex: number): void {
    this.#send({
      type: 'response.output_item.done',
      response_id: active.record.id,
      output_index: outputIndex,
      item,
    });
    if (!active.outOfBand && this.#names.itemDone) {
      const idx = this.#conversation.findIndex((c) => c.id === item.id);
      const previous = idx > 0 ? (this.#conversation[idx - 1]?.id ?? null) : null;
      this.#send({ type: this.#names.itemDone, previous_item_id: previous, item });
    }
  }

  async #run(active: ActiveResponse, plan: Plan): Promise<void> {
    const { signal } = active.abort;
    const scenario = this.#hooks.scenario();
    if (scenario.responseDelayMs > 0) await sleep(scenario.responseDelayMs, signal);
    else await yieldToLoop();
    if (signal.aborted) throw new Aborted();

    if (plan.kind === 'function_calls') {
      const calls: FunctionCallRecord[] = [];
      for (const [outputIndex, call] of plan.calls.entries()) {
        const itemId = newId('item');
        const callId = newId('call', 16);
        if (!this.#config.tools.some((t) => t.name === call.name)) {
          this.#log.warn({ tool: call.name }, 'scenario calls a tool the session did not declare');
        }
        const item: Json = {
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
        this.#send({
          type: 'response.function_call_arguments.delta',
          ...base,
          delta: call.arguments,
        });
        await this.#pace(signal, Date.now());
        this.#send({
          type: 'response.function_call_arguments.done',
          ...base,
          name: call.name,
          arguments: call.arguments,
        });
        const done = { ...item, status: 'completed', arguments: call.arguments };
        active.output[outputIndex] = done;
        const stored = this.#conversation.find((c) => c.id === itemId);
        if (stored) stored.item = done;
        this.#finishOutputItem(active, done, outputIndex);
        const record: FunctionCallRecord = {
          callId,
          itemId,
          name: call.name,
          arguments: call.arguments,
          responseId: active.record.id,
        };
        calls.push(record);
        this.#functionCalls.push(record);
        active.record.functionCalls.push(record);
      }
      this.#pendingToolReply = { ...plan.followUp, calls, outputs: new Map() };
      this.#complete(active, {
        text: 0,
        audioMs: 0,
        callText: plan.calls.map((c) => c.arguments).join(''),
      });
      return;
    }

    const audio = active.record.modalities.includes('audio');
    const itemId = newId('item');
    const item: Json = {
      id: itemId,
      object: 'realtime.item',
      type: 'message',
      status: 'in_progress',
      role: 'assistant',
      content: [],
    };
    this.#addOutputItem(active, item, 0);
    const base = {
      response_id: active.record.id,
      item_id: itemId,
      output_index: 0,
      content_index: 0,
    };
    const partType = audio ? this.#names.audioPart : this.#names.textPart;
    this.#send({
      type: 'response.content_part.added',
      ...base,
      part: audio ? { type: partType, transcript: '' } : { type: partType, text: '' },
    });
    active.openPart = { itemId, outputIndex: 0, audio, transcript: '' };
    const tokens = words(plan.text);
    const part = active.openPart;

    if (audio) {
      const pcm = synthesizeSpeech(plan.text, {
        msPerChar: scenario.msPerChar,
        minMs: scenario.minAudioMs,
        maxMs: scenario.maxAudioMs,
      });
      const chunks = chunkPcm16(pcm, AUDIO_CHUNK_MS);
      const start = Date.now();
      let sentWords = 0;
      for (const [i, chunk] of chunks.entries()) {
        // Transcript runs slightly ahead of the audio, as with OpenAI.
        const wordsDue = Math.min(
          tokens.length,
          Math.ceil(((i + 1) * tokens.length) / chunks.length),
        );
        for (; sentWords < wordsDue; sentWords++) {
          const delta = tokens[sentWords] ?? '';
          part.transcript += delta;
          active.record.deliveredText = part.transcript;
          this.#send({ type: this.#names.transcriptDelta, ...base, delta });
        }
        this.#send({
          type: this.#names.audioDelta,
          ...base,
          delta: pcm16ToBuffer(chunk).toString('base64'),
        });
        active.record.audioMs += (chunk.length / 24000) * 1000;
        const stored = this.#conversation.find((c) => c.id === itemId);
        if (stored) stored.audioMs = active.record.audioMs;
        // Keep one chunk of lead over real time.
        await this.#pace(signal, start + i * AUDIO_CHUNK_MS);
      }
      this.#send({ type: this.#names.audioDone, ...base });
      this.#send({ type: this.#names.transcriptDone, ...base, transcript: part.transcript });
    } else {
      for (const delta of tokens) {
        part.transcript += delta;
        active.record.deliveredText = part.transcript;
        this.#send({ type: this.#names.textDelta, ...base, delta });
        await this.#pace(signal, Date.now() + 30);
      }
      this.#send({ type: this.#names.textDone, ...base, text: part.transcript });
    }
    const finalPart = audio
      ? { type: partType, transcript: part.transcript }
      : { type: partType, text: part.transcript };
    this.#send({ type: 'response.content_part.done', ...base, part: finalPart });
    active.openPart = null;
    const done = { ...item, status: 'completed', content: [finalPart] };
    active.output[0] = done;
    const stored = this.#conversation.find((c) => c.id === itemId);
    if (stored) stored.item = done;
    this.#finishOutputItem(active, done, 0);
    this.#complete(active, {
      text: plan.text.length,
      audioMs: active.record.audioMs,
      callText: '',
    });
  }

  #usage(active: ActiveResponse, out: { textChars: number; audioMs: number }): Json {
    const outText = Math.ceil(out.textChars / 4);
    const outAudio = Math.ceil(out.audioMs / 50);
    const input = active.inputTokens.text + active.inputTokens.audio;
    return {
      total_tokens: input + outText + outAudio,
      input_tokens: input,
      output_tokens: outText + outAudio,
      input_token_details: {
        text_tokens: active.inputTokens.text,
        audio_tokens: active.inputTokens.audio,
        image_tokens: 0,
        cached_tokens: 0,
        cached_tokens_details: { text_tokens: 0, audio_tokens: 0, image_tokens: 0 },
      },
      output_token_details: { text_tokens: outText, audio_tokens: outAudio },
    };
  }

  #complete(
    active: ActiveResponse,
    out: { text: number; audioMs: number; callText: string },
  ): void {
    if (this.#active !== active) return;
    this.#active = null;
    active.record.status = 'completed';
    const usage = this.#usage(active, {
      textChars: out.text + out.callText.length,
      audioMs: out.audioMs,
    });
    this.#send({
      type: 'response.done',
      response: this.#responseObject(active, 'completed', usage),
    });
    this.#log.info({ responseId: active.record.id }, 'response completed');
  }

  /** Stops the active response now: closes its open parts/items and sends `response.done`. */
  #cancelActive(reason: string): void {
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
        this.#send({ type: this.#names.audioDone, ...base });
        this.#send({ type: this.#names.transcriptDone, ...base, transcript: part.transcript });
      } else {
        this.#send({ type: this.#names.textDone, ...base, text: part.transcript });
      }
      const partType = part.audio ? this.#names.audioPart : this.#names.textPart;
      const finalPart = part.audio
        ? { type: partType, transcript: part.transcript }
        : { type: partType, text: part.transcript };
      this.#send({ type: 'response.content_part.done', ...base, part: finalPart });
      const current = active.output[part.outputIndex] ?? {};
      const done = { ...current, status: 'incomplete', content: [finalPart] };
      active.output[part.outputIndex] = done;
      const stored = this.#conversation.find((c) => c.id === part.itemId);
      if (stored) stored.item = done;
      this.#finishOutputItem(active, done, part.outputIndex);
      active.openPart = null;
    }
    const usage = this.#usage(active, {
      textChars: part?.transcript.length ?? 0,
      audioMs: active.record.audioMs,
    });
    this.#send({
      type: 'response.done',
      response: this.#responseObject(active, 'cancelled', usage),
    });
    this.#log.info({ responseId: active.record.id, reason }, 'response cancelled');
  }
}
