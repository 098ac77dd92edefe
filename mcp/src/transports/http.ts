import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { hostHeaderValidation } from '@modelcontextprotocol/sdk/server/middleware/hostHeaderValidation.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import express, {
  type ErrorRequestHandler,
  type Express,
  type RequestHandler,
  type Response,
} from 'express';
import type { CountryCode } from 'libphonenumber-js';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { createCallerSession } from '../caller-session.js';
import { createServer } from '../server.js';
import type { LiveStore } from '../store/live-store.js';
import { toE164 } from '../store/phone.js';

/** Set by the agent on the initialize request: the number the phone call comes from. */
export const CALLER_NUMBER_HEADER = 'x-caller-number';

export interface HttpAppDeps {
  store: LiveStore;
  logger: Logger;
  authToken: string;
  defaultCountry: CountryCode;
  /** Host header values accepted (DNS-rebinding protection); default: loopback names. */
  allowedHosts?: readonly string[] | undefined;
  maxSessions?: number;
  sessionIdleMs?: number;
}

export interface HttpApp {
  app: Express;
  sessionCount(): number;
  close(): Promise<void>;
}

interface OpenSession {
  transport: StreamableHTTPServerTransport;
  lastSeen: number;
}

function rpcError(res: Response, status: number, code: number, message: string): void {
  res.status(status).json({ jsonrpc: '2.0', error: { code, message }, id: null });
}

function bearerAuth(token: string): RequestHandler {
  const expected = createHash('sha256').update(token).digest();
  return (req, res, next) => {
    const header = req.header('authorization') ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (given.length > 0 && timingSafeEqual(createHash('sha256').update(given).digest(), expected))
      return next();
    res.setHeader('WWW-Authenticate', 'Bearer realm="mcp"');
    rpcError(res, 401, -32001, 'Unauthorized: a valid bearer token is required');
  };
}

/** MCP over Streamable HTTP at /mcp, one MCP server and caller session per MCP session. */
export function createHttpApp(deps: HttpAppDeps): HttpApp {
  const { store, logger, defaultCountry, maxSessions = 1_000, sessionIdleMs = 30 * 60_000 } = deps;
  const sessions = new Map<string, OpenSession>();
  const app = express();
  app.disable('x-powered-by');
  app.use(hostHeaderValidation([...(deps.allowedHosts ?? ['127.0.0.1', 'localhost', '[::1]'])]));
  app.use(
    pinoHttp({
      logger,
      customLogLevel: (_req, res, error) =>
        error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug',
      // Headers carry the bearer token and the caller's number: log none of them.
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );

  app.get('/healthz', (_req, res) => {
    const current = store.current();
    res.json({
      status: 'ok',
      loaded_at: current.loadedAt.toISOString(),
      orders: current.orders.size,
      sessions: sessions.size,
    });
  });

  const mcp = express.Router();
  mcp.use(bearerAuth(deps.authToken));
  // Large enough that an oversized argument reaches the tool's own validation and a clear error.
  mcp.use(express.json({ limit: '1mb' }));

  mcp.post('/', async (req, res) => {
    const sessionId = req.header('mcp-session-id');
    if (sessionId !== undefined) {
      const open = sessions.get(sessionId);
      if (open === undefined) return rpcError(res, 404, -32001, 'Session not found');
      open.lastSeen = Date.now();
      return open.transport.handleRequest(req, res, req.body);
    }
    if (!isInitializeRequest(req.body))
      return rpcError(res, 400, -32000, 'Bad Request: no valid session id');
    if (sessions.size >= maxSessions)
      return rpcError(res, 503, -32000, 'Too many open sessions; try again later');
    const rawCaller = req.header(CALLER_NUMBER_HEADER);
    const callerNumber =
      rawCaller === undefined || rawCaller === '' ? undefined : toE164(rawCaller, defaultCountry);
    if (rawCaller && callerNumber === undefined) {
      return rpcError(res, 400, -32602, `${CALLER_NUMBER_HEADER} is not a phone number`);
    }
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      // Tools answer at once and never stream: a plain JSON reply saves the SSE framing per call.
      enableJsonResponse: true,
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, lastSeen: Date.now() });
        logger.info({ session: id, callerId: callerNumber !== undefined }, 'mcp session opened');
      },
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined && sessions.delete(transport.sessionId)) {
        logger.info({ session: transport.sessionId }, 'mcp session closed');
      }
    };
    const server = createServer({ store, session: createCallerSession(callerNumber), logger });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });

  const existingSession: RequestHandler = async (req, res) => {
    const open = sessions.get(req.header('mcp-session-id') ?? '');
    if (open === undefined) return rpcError(res, 404, -32001, 'Session not found');
    open.lastSeen = Date.now();
    await open.transport.handleRequest(req, res);
  };
  mcp.get('/', existingSession);
  mcp.delete('/', existingSession);
  app.use('/mcp', mcp);

  const onError: ErrorRequestHandler = (
    error: { status?: number; type?: string },
    _req,
    res,
    _next,
  ) => {
    if (error.type === 'entity.too.large')
      return rpcError(res, 413, -32600, 'Request body too large');
    if (error.type === 'entity.parse.failed')
      return rpcError(res, 400, -32700, 'Parse error: the body is not valid JSON');
    logger.error({ err: error }, 'mcp request failed');
    if (!res.headersSent) rpcError(res, 500, -32603, 'Internal error');
  };
  app.use(onError);

  // A call that ends without closing its MCP session must not hold memory forever.
  const sweeper = setInterval(
    () => {
      const cutoff = Date.now() - sessionIdleMs;
      for (const open of sessions.values()) if (open.lastSeen < cutoff) void open.transport.close();
    },
    Math.min(sessionIdleMs, 60_000),
  );
  sweeper.unref();

  return {
    app,
    sessionCount: () => sessions.size,
    async close() {
      clearInterval(sweeper);
      await Promise.all([...sessions.values()].map((open) => open.transport.close()));
    },
  };
}
