import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_AGENT_NAME } from '@ecommerce-voicebot/contracts';
import { AGENT_DIR } from './package-dir.js';

/** The repository's root, with a trailing slash. */
const ROOT = `${dirname(AGENT_DIR)}/`;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();
const seconds = (fallback: number) => z.coerce.number().positive().default(fallback);

const schema = z
  .object({
    AGENT_NAME: z.string().trim().min(1).default(DEFAULT_AGENT_NAME),
    /** production: a real OpenAI key is required; offline: the local Realtime emulator answers. */
    AGENT_MODE: z.enum(['production', 'offline']).default('production'),
    OPENAI_API_KEY: optionalText,
    OPENAI_BASE_URL: optionalText,
    REALTIME_MODEL: z.string().trim().min(1).default('gpt-realtime'),
    REALTIME_VOICE: z.string().trim().min(1).default('marin'),
    AZURE_OPENAI_ENDPOINT: optionalText,
    AZURE_OPENAI_DEPLOYMENT: optionalText,
    AZURE_OPENAI_API_KEY: optionalText,
    OPENAI_API_VERSION: optionalText,
    /**
     * server: the model's own VAD ends the caller's turn (no local VAD: a third less agent CPU per
     * call, see README); vad: Silero ends it locally.
     */
    TURN_DETECTION: z.enum(['vad', 'server']).default('server'),
    MCP_URL: optionalText.pipe(
      z.url({ error: 'must be a URL like http://127.0.0.1:3001/mcp' }).optional(),
    ),
    MCP_AUTH_TOKEN: optionalText,
    MCP_DATA_DIR: z.string().trim().min(1).default(`${ROOT}data`),
    TOOL_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
    TRANSFER_TO: optionalText.pipe(
      z
        .string()
        .regex(/^(tel:\+\d{6,15}|sip:[^\s@]+@[^\s]+)$/, {
          error: 'must be a tel:+E164 or sip:user@host URI',
        })
        .optional(),
    ),
    USER_AWAY_SECONDS: seconds(15),
    MAX_CALL_SECONDS: seconds(15 * 60),
    CALLS_DIR: z.string().trim().min(1).default(`${ROOT}calls`),
    /**
     * Days a call record is kept after its call's (UTC) day before the worker deletes it; 0 keeps
     * records forever. They hold what callers said: 30 days covers QA's follow-up of a call.
     */
    CALL_RECORD_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(30),
    LIVEKIT_URL: optionalText,
    LIVEKIT_API_KEY: optionalText,
    LIVEKIT_API_SECRET: optionalText,
    /** The health page's address: loopback (the framework's default is every interface). */
    AGENT_HTTP_HOST: z.string().trim().min(1).default('127.0.0.1'),
    AGENT_HTTP_PORT: z.coerce.number().int().min(0).max(65_535).default(8081),
    /**
     * Calls one worker takes at once. The worker reports its load as active calls / this (not CPU:
     * livekit-server gives a worker reporting load 1 no job at all, and a busy 2-core box reports
     * exactly 1, so a caller was left ringing).
     */
    AGENT_MAX_CALLS: z.coerce.number().int().min(1).max(1_000).default(25),
    /** Load (active calls / AGENT_MAX_CALLS) at which the worker says it is full; 1: at the max. */
    AGENT_LOAD_THRESHOLD: z.coerce.number().positive().max(1).default(1),
    /** Warm job processes kept ready; empty: the framework's min(cores, 4). */
    AGENT_NUM_IDLE_PROCESSES: z.coerce.number().int().min(1).max(100).optional(),
    /**
     * Silence that ends the caller's turn: the model's `silence_duration_ms` with server turns,
     * Silero's minimum silence with local ones. Most of the voice latency (README, benchmarks).
     */
    VAD_MIN_SILENCE_MS: z.coerce.number().int().min(100).max(5_000).default(300),
    /**
     * Local turns only: the framework's endpointing minDelay (its own default is 500). It commits
     * a turn after max(VAD silence, this), so a larger value lengthens every turn.
     */
    ENDPOINTING_MIN_DELAY_MS: z.coerce.number().int().min(0).max(5_000).default(300),
  })
  .superRefine((env, ctx) => {
    const azure =
      env.AZURE_OPENAI_ENDPOINT !== undefined || env.AZURE_OPENAI_DEPLOYMENT !== undefined;
    if (env.AGENT_MODE === 'production' && !azure && env.OPENAI_API_KEY === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['OPENAI_API_KEY'],
        message:
          'is required in production mode (or set AGENT_MODE=offline to use the local Realtime emulator)',
      });
    }
    if (
      azure &&
      (env.AZURE_OPENAI_ENDPOINT === undefined || env.AZURE_OPENAI_DEPLOYMENT === undefined)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['AZURE_OPENAI_DEPLOYMENT'],
        message: 'and AZURE_OPENAI_ENDPOINT are both needed for Azure',
      });
    }
    if (env.AGENT_MODE === 'offline' && env.OPENAI_BASE_URL === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['OPENAI_BASE_URL'],
        message: "is required in offline mode (the emulator's URL, e.g. http://127.0.0.1:8089/v1)",
      });
    }
    if (env.MCP_URL !== undefined && env.MCP_AUTH_TOKEN === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['MCP_AUTH_TOKEN'],
        message: 'is required with MCP_URL',
      });
    }
  });

export interface AgentConfig {
  agentName: string;
  mode: 'production' | 'offline';
  model: {
    model: string;
    voice: string;
    apiKey: string | undefined;
    baseURL: string | undefined;
    azure:
      | {
          endpoint: string;
          deployment: string;
          apiKey: string | undefined;
          apiVersion: string | undefined;
        }
      | undefined;
  };
  turnDetection: 'vad' | 'server';
  mcp:
    | { type: 'http'; url: string; authToken: string }
    | { type: 'stdio'; command: string; args: string[]; cwd: string };
  toolTimeoutMs: number;
  transferTo: string | undefined;
  userAwaySeconds: number;
  maxCallSeconds: number;
  callsDir: string;
  /** Days call records are kept (then purged by the worker); 0: forever. */
  callRecordRetentionDays: number;
  /** The worker health page's bind address (it shows the agent name and job count). */
  httpHost: string;
  httpPort: number;
  /** Calls one worker takes at once; its reported load is active calls / this. */
  maxCalls: number;
  /** Load (0-1] at which the worker reports itself full. */
  loadThreshold: number;
  numIdleProcesses: number | undefined;
  vadMinSilenceMs: number;
  endpointingMinDelayMs: number;
  /** The server API (the worker's own credentials): call recovery needs it; unset in unit tests. */
  livekit: { url: string; apiKey: string; apiSecret: string } | undefined;
}

/**
 * Parses an environment (the process's by default: this is the only module of the agent that
 * reads it); throws a ConfigError naming the variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<AgentConfig> {
  // An empty line in .env (`TRANSFER_TO=`) means "not set".
  const set = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const parsed = schema.safeParse(set);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`Invalid agent configuration: ${String(issue.path[0])} ${issue.message}`);
  }
  const e = parsed.data;
  // Relative folders mean the folder npm was started from (npm runs scripts in agent/).
  const folder = (path: string) => resolve(env.INIT_CWD ?? process.cwd(), path);
  const config: AgentConfig = {
    agentName: e.AGENT_NAME,
    mode: e.AGENT_MODE,
    model: {
      model: e.REALTIME_MODEL,
      voice: e.REALTIME_VOICE,
      apiKey: e.OPENAI_API_KEY ?? (e.AGENT_MODE === 'offline' ? 'offline-emulator' : undefined),
      baseURL: e.OPENAI_BASE_URL,
      azure:
        e.AZURE_OPENAI_ENDPOINT !== undefined && e.AZURE_OPENAI_DEPLOYMENT !== undefined
          ? {
              endpoint: e.AZURE_OPENAI_ENDPOINT,
              deployment: e.AZURE_OPENAI_DEPLOYMENT,
              apiKey: e.AZURE_OPENAI_API_KEY,
              apiVersion: e.OPENAI_API_VERSION,
            }
          : undefined,
    },
    turnDetection: e.TURN_DETECTION,
    mcp:
      e.MCP_URL !== undefined
        ? { type: 'http', url: e.MCP_URL, authToken: e.MCP_AUTH_TOKEN! }
        : // No MCP server configured: spawn one per call over stdio.
          {
            type: 'stdio',
            command: `${ROOT}node_modules/.bin/tsx`,
            args: [`${ROOT}mcp/src/main.ts`, '--stdio', '--data', folder(e.MCP_DATA_DIR)],
            cwd: ROOT,
          },
    toolTimeoutMs: e.TOOL_TIMEOUT_MS,
    transferTo: e.TRANSFER_TO,
    userAwaySeconds: e.USER_AWAY_SECONDS,
    maxCallSeconds: e.MAX_CALL_SECONDS,
    callsDir: folder(e.CALLS_DIR),
    callRecordRetentionDays: e.CALL_RECORD_RETENTION_DAYS,
    httpHost: e.AGENT_HTTP_HOST,
    httpPort: e.AGENT_HTTP_PORT,
    maxCalls: e.AGENT_MAX_CALLS,
    loadThreshold: e.AGENT_LOAD_THRESHOLD,
    numIdleProcesses: e.AGENT_NUM_IDLE_PROCESSES,
    vadMinSilenceMs: e.VAD_MIN_SILENCE_MS,
    endpointingMinDelayMs: e.ENDPOINTING_MIN_DELAY_MS,
    livekit:
      e.LIVEKIT_URL !== undefined &&
      e.LIVEKIT_API_KEY !== undefined &&
      e.LIVEKIT_API_SECRET !== undefined
        ? { url: e.LIVEKIT_URL, apiKey: e.LIVEKIT_API_KEY, apiSecret: e.LIVEKIT_API_SECRET }
        : undefined,
  };
  return Object.freeze(config);
}
