// One WebSocket connection = one emulated Realtime session with its own conversation. This is the
// per-socket coordinator: it validates client events (client-events.ts), applies `session.update`,
// hands every other event to the part that owns it (conversation, input audio, responses), stamps
// and translates outgoing events, and ends the session at its maximum duration.
import type { Logger } from 'pino';
import { WebSocket } from 'ws';
import { Conversation } from './conversation.js';
import { InputAudioBuffer } from './input-audio.js';
import { toBetaEvent } from './beta-dialect.js';
import { SUPPORTED_CLIENT_EVENTS, parseClientEvent, type ClientEvent } from './client-events.js';
import {
  sessionExpired,
  sessionExpiredMessage,
  zodIssueToError,
  type RealtimeErrorBody,
} from './errors.js';
import {
  applyBetaSessionUpdate,
  applyGaSessionUpdate,
  defaultSessionConfig,
  gaSessionObject,
  newId,
  type Dialect,
  type SessionConfig,
} from './protocol.js';
import { createJitter, OrderedDelay, type Jitter, type TimingProfile } from './profile.js';
import type { EmulatorSessionInfo, ViolationRecord } from './records.js';
import { ResponsePlanner } from './response-planner.js';
import { ResponseStream, type AudioPacing } from './response-stream.js';
import type { Scenario } from './scenario.js';
import type { Json, SessionContext } from './session-context.js';
import type { TurnVadFactory } from './vad.js';
import type { GaServerEvent, ServerEventBody } from './wire-types.js';

/** OpenAI's documented maximum duration of a Realtime session. */
export const DEFAULT_MAX_SESSION_MS = 60 * 60_000;
/** The close OpenAI sends at the session limit: 1001 "going away", with the error's message. */
const SESSION_EXPIRED_CLOSE_CODE = 1001;

export interface SessionHooks {
  logger: Logger;
  scenario(): Scenario;
  audioPacing(): AudioPacing;
  onClientEvent(sessionId: string, type: string, event: Json): void;
  onServerEvent(sessionId: string, event: Json): void;
  onClose(sessionId: string): void;
  /** Maximum duration of the session (ms): then `session_expired` and a close. */
  maxSessionMs: number;
  /** The timing profile; each session draws from its own seeded stream. */
  profile: TimingProfile;
  /** 0-based index of this connection on the emulator (the seed of its draws). */
  sessionIndex: number;
  vadFactory: TurnVadFactory;
  /** True the first time the fault of rule `key` is asked for (emulator-wide). */
  consumeFault(key: string): boolean;
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
  readonly #expiryTimer: NodeJS.Timeout;

  readonly #conversation: Conversation;
  readonly #planner: ResponsePlanner;
  readonly #responses: ResponseStream;
  readonly #inputAudio: InputAudioBuffer;
  readonly #jitter: Jitter;
  /** Network delay of each direction (the realistic profile); synchronous when zero. */
  readonly #inbound = new OrderedDelay();
  readonly #outbound = new OrderedDelay();
  readonly #violations: ViolationRecord[] = [];

  constructor(ws: WebSocket, conn: ConnectionInfo, hooks: SessionHooks) {
    this.#ws = ws;
    this.#conn = conn;
    this.#hooks = hooks;
    this.#log = hooks.logger.child({ sessionId: this.id });
    this.#config = defaultSessionConfig(conn.model, conn.dialect);
    this.#jitter = createJitter(hooks.profile, hooks.sessionIndex);

    const ctx: SessionContext = {
      jitter: this.#jitter,
      flag: (v) => {
        this.#log.warn(v, 'client violation');
        this.#violations.push({ ...v, at: Date.now() });
      },
      endConnection: (how) => {
        this.#log.info({ how }, 'fault: ending the connection');
        if (how === 'drop') this.#ws.terminate();
        else this.#expire();
      },
      log: this.#log,
      dialect: conn.dialect,
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
    this.#planner = new ResponsePlanner(ctx, {
      takeUnansweredTurn: () => this.#conversation.takeUnansweredTurn(),
      restoreTurn: (turn) => this.#conversation.restoreTurn(turn),
      consumeFault: (key) => hooks.consumeFault(key),
    });
    this.#responses = new ResponseStream(ctx, {
      conversation: this.#conversation,
      planner: this.#planner,
      audioPacing: () => hooks.audioPacing(),
      conversationId: newId('conv'),
    });
    this.#inputAudio = new InputAudioBuffer(
      ctx,
      this.#conversation,
      this.#responses,
      hooks.vadFactory,
    );

    ws.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    ws.on('close', () => this.#onClose());
    ws.on('error', (error) => this.#log.warn({ err: error }, 'websocket error'));

    this.#expiryTimer = setTimeout(() => this.#expire(), hooks.maxSessionMs);
    this.#expiryTimer.unref();
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
      violations: [...this.#violations],
    });
  }

  // -------------------------------------------------------------------------------------------
  // transport

  #sessionObject() {
    const expiresAt = Math.floor((this.#connectedAt + this.#hooks.maxSessionMs) / 1000);
    return gaSessionObject(this.id, this.#config, expiresAt);
  }

  #send(event: ServerEventBody): void {
    // A cast only because one GA event type (dtmf_event_received) has no event_id in the SDK; the
    // body itself was checked against RealtimeServerEvent by `ServerEventBody`.
    const full = { ...event, event_id: newId('event') } as GaServerEvent;
    const wire = this.#conn.dialect === 'beta' ? toBetaEvent(full, this.#config) : full;
    if (!wire) return;
    // Built now (the session's state as of now), delivered after the network's one-way delay.
    this.#outbound.run(this.#jitter.draw(this.#hooks.profile.networkOneWayMs), () => {
      this.#hooks.onServerEvent(this.id, wire as unknown as Json);
      if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify(wire));
    });
  }

  /** The session limit: OpenAI sends `session_expired`, then closes with 1001 and the message. */
  #expire(): void {
    if (this.#closedAt !== null) return;
    this.#log.info({ maxSessionMs: this.#hooks.maxSessionMs }, 'session hit its maximum duration');
    this.#responses.abandonOnClose();
    this.#sendError(sessionExpired(this.#hooks.maxSessionMs));
    // After the error has gone out (it may wait for the network delay).
    this.#outbound.run(0, () =>
      this.#ws.close(SESSION_EXPIRED_CLOSE_CODE, sessionExpiredMessage(this.#hooks.maxSessionMs)),
    );
  }

  #sendError(error: RealtimeErrorBody): void {
    this.#log.info({ error }, 'answering client event with an error');
    this.#send({ type: 'error', error });
  }

  #onClose(): void {
    if (this.#closedAt !== null) return;
    clearTimeout(this.#expiryTimer);
    this.#closedAt = Date.now();
    this.#inbound.close();
    this.#outbound.close();
    this.#inputAudio.cancelPending();
    this.#responses.abandonOnClose();
    this.#log.info('session closed');
    this.#hooks.onClose(this.id);
  }

  #onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    // The client's events reach the model after the network's one-way delay, in order.
    this.#inbound.run(this.#jitter.draw(this.#hooks.profile.networkOneWayMs), () =>
      this.#handleMessage(data, isBinary),
    );
  }

  #handleMessage(data: WebSocket.RawData, isBinary: boolean): void {
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
    const result = parseClientEvent(this.#conn.dialect, obj);
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
        return this.#onSessionUpdate(ev);
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

  #onSessionUpdate(event: Extract<ClientEvent, { type: 'session.update' }>): void {
    // The event schema already checked the session against the connection's dialect.
    this.#config =
      'type' in event.session
        ? applyGaSessionUpdate(this.#config, event.session)
        : applyBetaSessionUpdate(this.#config, event.session);
    this.#log.debug({ config: this.#config }, 'session updated');
    this.#send({ type: 'session.updated', session: this.#sessionObject() });
  }
}
