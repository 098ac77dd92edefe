// HTTP + WebSocket server emulating the OpenAI Realtime API for offline tests and demos.
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Dialect } from './protocol.js';
import { parseScenario, type Scenario, type ScenarioInput } from './scenario.js';
import type { EmulatorSessionInfo } from './records.js';
import {
  describeProfile,
  resolveProfile,
  type ProfileInput,
  type TimingProfile,
} from './profile.js';
import type { AudioPacing } from './response-stream.js';
import { energyVadFactory, type TurnVadFactory } from './vad.js';
import { DEFAULT_MAX_SESSION_MS, EmulatorSession, type ConnectionInfo } from './session.js';

export interface RealtimeEmulatorOptions {
  /** A parsed scenario or raw scenario JSON (validated here). */
  scenario: Scenario | ScenarioInput;
  logger: Logger;
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Overrides the scenario's `audioPacing`. */
  audioPacing?: AudioPacing;
  /** Keep at most this many recorded client/server events (oldest dropped). Default unlimited. */
  maxRecordedEvents?: number;
  /** Answer 401 to upgrades without any credential (default false: accept and record). */
  requireAuth?: boolean;
  /**
   * Clock (epoch ms) for `receivedAt`/`sentAt` of recorded events. Default `Date.now`; latency
   * benchmarks pass the clock their SIP caller uses, so the two timelines compare exactly.
   */
  now?: () => number;
  /**
   * Maximum duration of one session (ms), after which it gets `session_expired` and is closed with
   * 1001, as OpenAI does. Default 60 minutes (OpenAI's limit); tests compress it.
   */
  maxSessionMs?: number;
  /**
   * Timing profile: `ideal` (default: no added delays, synchronous transcription) or `realistic`
   * (seeded model/network delays, async transcription, burst audio, model VAD). See profile.ts.
   */
  profile?: ProfileInput;
  /** Seed of the profile's draws (default 1). */
  seed?: number;
  /**
   * The model VAD used when the profile asks for one (silero-vad.ts: `createSileroVadFactory()`).
   * Without it such a profile falls back to the energy VAD, and `profileDescription` says so.
   */
  modelVad?: TurnVadFactory;
}

/** A client event as received, in arrival order. */
export interface RecordedClientEvent {
  seq: number;
  sessionId: string;
  receivedAt: number;
  /** The event's `type`, or `(invalid json)` / `(missing type)`. */
  type: string;
  /** The parsed JSON (for unparseable frames: `{ raw }`). */
  event: Record<string, unknown>;
}

export interface RecordedServerEvent {
  seq: number;
  sessionId: string;
  sentAt: number;
  type: string;
  event: Record<string, unknown>;
}

export interface RealtimeEmulator {
  /** HTTP base URL ending in `/v1`: pass as `baseURL` to the OpenAI plugin. */
  readonly url: string;
  /** WebSocket URL of the realtime endpoint (without `?model=`). */
  readonly wsUrl: string;
  readonly port: number;
  readonly host: string;
  /** Every client event received, in order (live array). */
  readonly events: readonly RecordedClientEvent[];
  /** Every server event sent, in order (live array). */
  readonly serverEvents: readonly RecordedServerEvent[];
  readonly scenario: Scenario;
  /** The timing profile in effect, with its seed. */
  readonly profile: TimingProfile;
  /** One line naming the profile, its ranges and the VAD (for startup lines and bench output). */
  readonly profileDescription: string;
  sessions(): EmulatorSessionInfo[];
  /** Resolves with the first recorded client event (past or future) matching the predicate. */
  waitFor(
    predicate: (event: RecordedClientEvent) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedClientEvent>;
  /** Resolves with the first recorded server event (past or future) matching the predicate. */
  waitForServerEvent(
    predicate: (event: RecordedServerEvent) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedServerEvent>;
  setScenario(scenario: Scenario | ScenarioInput): void;
  /** Closes every open socket abruptly (TCP reset, no close frame). */
  dropConnections(): void;
  /** While true, new WebSocket upgrades are answered `503 Service Unavailable`. */
  refuseConnections(refuse: boolean): void;
  close(): Promise<void>;
}

function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  if (v === undefined) return null;
  return Array.isArray(v) ? v.join(', ') : v;
}

function rejectUpgrade(socket: Duplex, status: number, reason: string, body: unknown): void {
  const payload = JSON.stringify(body);
  socket.write(
    `HTTP/1.1 ${status} ${reason}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(payload)}\r\n` +
      'Connection: close\r\n\r\n' +
      payload,
  );
  socket.destroy();
}

const SUBPROTOCOL_KEY_PREFIX = 'openai-insecure-api-key.';

export async function createRealtimeEmulator(
  options: RealtimeEmulatorOptions,
): Promise<RealtimeEmulator> {
  const log = options.logger.child({ component: 'realtime-emulator' });
  let scenario = parseScenario(options.scenario);
  let refusing = false;
  let seq = 0;
  const maxEvents = options.maxRecordedEvents ?? Infinity;
  const profile = resolveProfile(options.profile, options.seed ?? 1);
  const useModelVad = profile.vad === 'model' && options.modelVad !== undefined;
  const vadFactory = useModelVad ? options.modelVad! : energyVadFactory;
  const vadLabel = useModelVad
    ? 'end of speech by a model VAD (Silero)'
    : profile.vad === 'model'
      ? 'end of speech by the ENERGY VAD (no model VAD supplied)'
      : 'end of speech by the energy VAD';
  const profileDescription = describeProfile(profile, vadLabel);
  const usedFaults = new Set<string>();
  let sessionCount = 0;
  const now = options.now ?? Date.now;
  const maxSessionMs = options.maxSessionMs ?? DEFAULT_MAX_SESSION_MS;
  if (!(maxSessionMs > 0)) throw new Error(`maxSessionMs must be positive (got ${maxSessionMs})`);
  const events: RecordedClientEvent[] = [];
  const serverEvents: RecordedServerEvent[] = [];
  const sessions: EmulatorSession[] = [];
  const sockets = new Set<WebSocket>();
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);

  const handleHttp = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://emulator').pathname;
    if (req.method === 'GET' && (path === '/' || path === '/healthz' || path === '/v1')) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          service: 'openai-realtime-emulator',
          offline: true,
          note: 'OFFLINE EMULATOR of the OpenAI Realtime API, not OpenAI',
          scenario: scenario.name ?? null,
          openSessions: sessions.filter((s) => s.open).length,
        }),
      );
      return;
    }
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({
        error: {
          message: `The OFFLINE realtime emulator only serves WebSocket upgrades on .../realtime (got ${req.method} ${path})`,
          type: 'invalid_request_error',
          code: 'not_found',
        },
      }),
    );
  };

  const server = createServer(handleHttp);
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has('realtime') ? 'realtime' : false),
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    if (refusing) {
      log.info({ path: url.pathname }, 'refusing WebSocket upgrade (fault injection)');
      rejectUpgrade(socket, 503, 'Service Unavailable', {
        error: { message: 'The emulator is refusing connections', type: 'server_error' },
      });
      return;
    }
    if (!url.pathname.replace(/\/$/, '').endsWith('/realtime')) {
      rejectUpgrade(socket, 404, 'Not Found', {
        error: {
          message: `No realtime endpoint at ${url.pathname}`,
          type: 'invalid_request_error',
        },
      });
      return;
    }
    const authorization = header(req, 'authorization');
    const protocols = (header(req, 'sec-websocket-protocol') ?? '').split(',').map((p) => p.trim());
    const auth = {
      bearer: authorization !== null && /^Bearer\s+\S+/i.test(authorization),
      apiKeyHeader: header(req, 'api-key') !== null,
      subprotocolKey: protocols.some((p) => p.startsWith(SUBPROTOCOL_KEY_PREFIX)),
    };
    if (options.requireAuth && !auth.bearer && !auth.apiKeyHeader && !auth.subprotocolKey) {
      rejectUpgrade(socket, 401, 'Unauthorized', {
        error: {
          message: 'Missing bearer or basic authentication in header',
          type: 'invalid_request_error',
        },
      });
      return;
    }
    const openaiBeta = header(req, 'openai-beta');
    const dialect: Dialect =
      (openaiBeta ?? '').includes('realtime=v1') || url.searchParams.has('api-version')
        ? 'beta'
        : 'ga';
    const conn: ConnectionInfo = {
      dialect,
      path: url.pathname + url.search,
      model: url.searchParams.get('model') ?? url.searchParams.get('deployment') ?? 'gpt-realtime',
      auth,
      userAgent: header(req, 'user-agent'),
      openaiBeta,
    };
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      const session = new EmulatorSession(ws, conn, {
        logger: log,
        scenario: () => scenario,
        audioPacing: () => options.audioPacing ?? profile.pacing ?? scenario.audioPacing,
        maxSessionMs,
        profile,
        sessionIndex: sessionCount++,
        vadFactory,
        consumeFault: (key) => {
          if (usedFaults.has(key)) return false;
          usedFaults.add(key);
          return true;
        },
        onClientEvent: (sessionId, type, event) => {
          const rec: RecordedClientEvent = {
            seq: ++seq,
            sessionId,
            receivedAt: now(),
            type,
            event,
          };
          events.push(rec);
          if (events.length > maxEvents) events.shift();
          emitter.emit('client', rec);
        },
        onServerEvent: (sessionId, event) => {
          const rec: RecordedServerEvent = {
            seq: ++seq,
            sessionId,
            sentAt: now(),
            type: String(event.type),
            event,
          };
          serverEvents.push(rec);
          if (serverEvents.length > maxEvents) serverEvents.shift();
          emitter.emit('server', rec);
        },
        onClose: () => undefined,
      });
      sessions.push(session);
      log.info(
        { sessionId: session.id, dialect, model: conn.model, auth },
        'realtime session connected',
      );
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${address.port}/v1`;

  function waitOn<T>(
    list: readonly T[],
    channel: 'client' | 'server',
    predicate: (e: T) => boolean,
    timeoutMs: number,
  ): Promise<T> {
    const existing = list.find(predicate);
    if (existing) return Promise.resolve(existing);
    return new Promise<T>((resolve, reject) => {
      const onEvent = (e: T): void => {
        if (!predicate(e)) return;
        clearTimeout(timer);
        emitter.off(channel, onEvent);
        resolve(e);
      };
      const timer = setTimeout(() => {
        emitter.off(channel, onEvent);
        reject(new Error(`realtime emulator: no matching ${channel} event within ${timeoutMs} ms`));
      }, timeoutMs);
      emitter.on(channel, onEvent);
    });
  }

  let closed = false;
  return {
    url,
    wsUrl: `ws://${urlHost}:${address.port}/v1/realtime`,
    port: address.port,
    host,
    get events() {
      return events;
    },
    get serverEvents() {
      return serverEvents;
    },
    get scenario() {
      return scenario;
    },
    profile,
    profileDescription,
    sessions: () => sessions.map((s) => s.info()),
    waitFor: (predicate, timeoutMs = 5000) => waitOn(events, 'client', predicate, timeoutMs),
    waitForServerEvent: (predicate, timeoutMs = 5000) =>
      waitOn(serverEvents, 'server', predicate, timeoutMs),
    setScenario(next) {
      scenario = parseScenario(next);
      usedFaults.clear();
      log.info({ scenario: scenario.name ?? null }, 'scenario replaced');
    },
    dropConnections() {
      log.info({ count: sockets.size }, 'dropping all connections (fault injection)');
      for (const ws of sockets) ws.terminate();
    },
    refuseConnections(refuse) {
      refusing = refuse;
      log.info({ refuse }, 'refuseConnections');
    },
    async close() {
      if (closed) return;
      closed = true;
      refusing = true;
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      log.info('realtime emulator closed');
    },
  };
}
