// The only module that reads the environment: every setting validated once, frozen, and an error
// names the variable to fix.
import { DEFAULT_AGENT_NAME } from '@ecommerce-voicebot/contracts';
import { z } from 'zod';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const positive = z.coerce.number().int().min(1, { error: 'must be a positive integer' });
const required = z.string({ error: 'is required' }).min(1, { error: 'is required' });

const schema = z.object({
  livekitUrl: z
    .string({ error: 'is required' })
    .refine((value) => URL.canParse(value) && /^(https?|wss?):$/.test(new URL(value).protocol), {
      error: 'must be an http(s):// or ws(s):// URL of livekit-server',
    }),
  apiKey: required,
  apiSecret: required,
  host: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65_535),
  limits: z.object({
    lineMaxCalls: positive,
    callerMaxCalls: positive,
    callerMaxNewCalls: positive,
    callerWindowMs: positive,
    trunkMaxNewCallsPerMinute: positive,
  }),
  agentName: z.string().min(1),
  queue: z.object({
    maxLength: z.coerce.number().int().min(0, { error: 'must be 0 or more' }),
    maxWaitMs: positive,
  }),
  lineDown: z.object({
    afterMs: positive,
    transferTo: z
      .string()
      .regex(/^(tel:\+?[0-9]+|sips?:\S+@\S+)$/, { error: 'must be a tel: or sip: URI' })
      .optional(),
  }),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    error: 'must be one of fatal, error, warn, info, debug, trace, silent',
  }),
});

export type SwitchboardConfig = Readonly<z.infer<typeof schema>>;
export type LineLimits = SwitchboardConfig['limits'];

/** Where each setting comes from, so an error names what the admin has to fix. */
const SOURCES: Record<string, string> = {
  livekitUrl: 'LIVEKIT_URL',
  apiKey: 'LIVEKIT_API_KEY',
  apiSecret: 'LIVEKIT_API_SECRET',
  host: 'SWITCHBOARD_HOST',
  port: 'SWITCHBOARD_PORT',
  'limits.lineMaxCalls': 'LINE_MAX_CALLS',
  'limits.callerMaxCalls': 'CALLER_MAX_CALLS',
  'limits.callerMaxNewCalls': 'CALLER_MAX_NEW_CALLS',
  'limits.callerWindowMs': 'CALLER_WINDOW_SECONDS',
  'limits.trunkMaxNewCallsPerMinute': 'TRUNK_MAX_NEW_CALLS_PER_MINUTE',
  agentName: 'AGENT_NAME',
  'queue.maxLength': 'QUEUE_MAX_LENGTH',
  'queue.maxWaitMs': 'QUEUE_MAX_WAIT_SECONDS',
  'lineDown.afterMs': 'AGENT_WAIT_SECONDS',
  'lineDown.transferTo': 'TRANSFER_TO',
  logLevel: 'LOG_LEVEL',
};

/** An unset or empty variable means "use the default". */
function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}

export function loadConfig(env: NodeJS.ProcessEnv): SwitchboardConfig {
  const seconds = (name: string, fallback: number) => {
    const raw = value(env, name) ?? String(fallback);
    return /^\d+(\.\d+)?$/.test(raw) ? Math.round(Number(raw) * 1000) : raw;
  };
  const parsed = schema.safeParse({
    livekitUrl: value(env, 'LIVEKIT_URL'),
    apiKey: value(env, 'LIVEKIT_API_KEY'),
    apiSecret: value(env, 'LIVEKIT_API_SECRET'),
    // Only livekit-server posts here: loopback, unless the admin runs it on another host.
    host: value(env, 'SWITCHBOARD_HOST') ?? '127.0.0.1',
    port: value(env, 'SWITCHBOARD_PORT') ?? 8083,
    limits: {
      lineMaxCalls: value(env, 'LINE_MAX_CALLS') ?? 50,
      callerMaxCalls: value(env, 'CALLER_MAX_CALLS') ?? 2,
      callerMaxNewCalls: value(env, 'CALLER_MAX_NEW_CALLS') ?? 6,
      callerWindowMs: seconds('CALLER_WINDOW_SECONDS', 600),
      trunkMaxNewCallsPerMinute: value(env, 'TRUNK_MAX_NEW_CALLS_PER_MINUTE') ?? 120,
    },
    agentName: value(env, 'AGENT_NAME') ?? DEFAULT_AGENT_NAME,
    queue: {
      maxLength: value(env, 'QUEUE_MAX_LENGTH') ?? 10,
      maxWaitMs: seconds('QUEUE_MAX_WAIT_SECONDS', 180),
    },
    lineDown: {
      afterMs: seconds('AGENT_WAIT_SECONDS', 0.8),
      transferTo: value(env, 'TRANSFER_TO'),
    },
    logLevel: value(env, 'LOG_LEVEL') ?? 'info',
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.map(String).join('.');
    throw new ConfigError(`Invalid configuration: ${SOURCES[key] ?? key} ${issue.message}`);
  }
  const config = parsed.data;
  return Object.freeze({
    ...config,
    limits: Object.freeze({ ...config.limits }),
    queue: Object.freeze({ ...config.queue }),
    lineDown: Object.freeze({ ...config.lineDown }),
  });
}
