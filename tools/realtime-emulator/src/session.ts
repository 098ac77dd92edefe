// One WebSocket connection = one emulated Realtime session with its own conversation. This is the
// per-socket coordinator: it parses and validates client events, applies `session.update`, and
// hands every other event to the part that owns it (conversation, input audio, responses).
import type { Logger } from 'pino';
import { WebSocket } from 'ws';
import { Conversation } from './conversation.js';
import { InputAudioBuffer } from './input-audio.js';
import {
  EVENT_NAMES,
  SUPPORTED_CLIENT_EVENTS,
  applyBetaSessionUpdate,
  applyGaSessionUpdate,
  betaSessionSchema,
  clientEventSchema,
  defaultSessionConfig,
  gaSessionSchema,
  newId,
  sessionObject,
  zodIssueToError,
  type ClientEvent,
  type Dialect,
  type RealtimeErrorBody,
  type SessionConfig,
} from './protocol.js';
import type { EmulatorSessionInfo } from './records.js';
import { ResponsePlanner } from './response-planner.js';
import { ResponseStream, type AudioPacing } from './response-stream.js';
import type { Scenario } from './scenario.js';
import type { Json, SessionContext } from './session-context.js';

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

export class EmulatorSession {
  readonly id = newId('sess');
  readonly #ws: WebSocket;
  readonly #hooks: SessionHooks;
  readonly #log: Logger;
  readonly #conn: ConnectionInfo;
  readonly #connectedAt = Date.now();
  #closedAt: number | null = null;
  #config: SessionConfig;

  readonly #conversation: Conversation;
  readonly #planner: ResponsePlanner;
  readonly #responses: ResponseStream;
  readonly #inputAudio: InputAudioBuffer;

  constructor(ws: WebSocket, conn: ConnectionInfo, hooks: SessionHooks) {
    this.#ws = ws;
    this.#conn = conn;
    this.#hooks = hooks;
    this.#log = hooks.logger.child({ sessionId: this.id });
    this.#config = defaultSessionConfig(conn.model, conn.dialect);

    const ctx: SessionContext = {
      log: this.#log,
      dialect: conn.dialect,
      names: EVENT_NAMES[conn.dialect],
      config: () => this.#config,
      scenario: () => hooks.scenario(),
      send: (event) => this.#send(event),
      sendError: (error) => this.#sendError(error),
    };
    // The planner and the conversation need each other: tool outputs arrive as conversation items,
    // and planning consumes the conversation's unanswered user turn.
    this.#conversation = new Conversation(ctx, (callId, output) =>
      this.#planner.receiveToolOutput(callId, output),
    );
    this.#planner = new ResponsePlanner(ctx, () => this.#conversation.takeUnansweredTurn());
    this.#responses = new ResponseStream(ctx, {
      conversation: this.#conversation,
      planner: this.#planner,
      audioPacing: () => hooks.audioPacing(),
      conversationId: newId('conv'),
    });
    this.#inputAudio = new InputAudioBuffer(ctx, this.#conversation, this.#responses);

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
      conversation: [...this.#conversation.items],
      userTurns: [...this.#conversation.userTurns],
      responses: [...this.#responses.records],
      functionCalls: [...this.#conversation.functionCalls],
      functionCallOutputs: [...this.#conversation.functionCallOutputs],
      inputAudioMs: this.#inputAudio.inputAudioMs,
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
    this.#responses.abandonOnClose();
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
        return this.#inputAudio.append(ev.audio, clientEventId);
      case 'input_audio_buffer.commit':
        return this.#inputAudio.commit(clientEventId);
      case 'input_audio_buffer.clear':
        return this.#inputAudio.clear();
      case 'conversation.item.create':
        return this.#conversation.create(ev.item, ev.previous_item_id, clientEventId);
      case 'conversation.item.delete':
        return this.#conversation.delete(ev.item_id, clientEventId);
      case 'conversation.item.retrieve':
        return this.#conversation.retrieve(ev.item_id, clientEventId);
      case 'conversation.item.truncate':
        return this.#conversation.truncate(
          ev.item_id,
          ev.content_index,
          ev.audio_end_ms,
          clientEventId,
        );
      case 'response.create':
        return this.#responses.create(ev.response, clientEventId);
      case 'response.cancel':
        return this.#responses.cancel(ev.response_id, clientEventId);
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
}
