import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_AGENT_NAME } from '@ecommerce-voicebot/contracts';
import { z } from 'zod';

/** The built web tester, relative to the repository root. */
const DEFAULT_WEB_TEST_DIR = fileURLToPath(new URL('../../web-test/dist', import.meta.url));

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LIVEKIT_URL = /^(wss?|https?):\/\/[^/\s?#]+/;

const url = z
  .string({ error: 'is required' })
  .refine((value) => LIVEKIT_URL.test(value) && URL.canParse(value), {
    error: 'must be a ws://, wss://, http:// or https:// URL',
  });

const required = z.string({ error: 'is required' }).min(1, { error: 'is required' });

const flag = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((value) => {
  return value === 'true';
});

const origin = z
  .string()
  .refine(
    (value) =>
      URL.canParse(value) &&
      /^https?:$/.test(new URL(value).protocol) &&
      new URL(value).origin === value,
    { error: 'must list origins like https://qa.example.com (scheme://host[:port], no path)' },
  );

const basicAuth = z
  .string()
  .transform((value) => {
    const colon = value.indexOf(':');
    return { user: value.slice(0, Math.max(colon, 0)), password: value.slice(colon + 1) };
  })
  .refine((credentials) => credentials.user.length > 0, {
    error: 'must be user:password',
  })
  .refine((credentials) => credentials.password.length >= 12, {
    error: 'password must be at least 12 characters',
  });

const schema = z
  .object({
    mode: z.enum(['development', 'production'], { error: 'must be development or production' }),
    livekitUrl: url,
    publicUrl: url,
    apiKey: required,
    apiSecret: required,
    host: z.string().min(1),
    port: z.coerce.number().int().min(0).max(65_535),
    agentName: z.string().min(1),
    ttlSeconds: z.coerce
      .number()
      .int()
      .min(30, { error: 'must be at least 30' })
      .max(3_600, { error: 'must be at most 3600 (tokens are short-lived)' }),
    rateLimitPerMin: z.coerce.number().int().min(1, { error: 'must be a positive integer' }),
    corsOrigins: z.array(origin),
    passcode: z.string().min(12, { error: 'must be at least 12 characters' }).optional(),
    basicAuth: basicAuth.optional(),
    allowCallerId: flag,
    webTestDir: z.string().min(1),
    trustProxy: z.coerce.number().int().min(0).max(10),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  })
  .superRefine((config, ctx) => {
    if (config.mode === 'production' && !config.passcode && !config.basicAuth) {
      ctx.addIssue({
        code: 'custom',
        path: ['access'],
        message: 'is required in production mode, so that only testers get tokens',
      });
    }
  });

export type TokenApiConfig = Readonly<z.infer<typeof schema>>;

/** Where each setting comes from, so an error names what the user has to fix. */
const SOURCES: Record<string, string> = {
  mode: 'TOKEN_API_MODE',
  livekitUrl: 'LIVEKIT_URL',
  publicUrl: 'LIVEKIT_PUBLIC_URL',
  apiKey: 'LIVEKIT_API_KEY',
  apiSecret: 'LIVEKIT_API_SECRET',
  host: 'TOKEN_API_HOST',
  port: 'TOKEN_API_PORT',
  agentName: 'AGENT_NAME',
  ttlSeconds: 'TOKEN_TTL_SECONDS',
  rateLimitPerMin: 'TOKEN_RATE_LIMIT_PER_MIN',
  corsOrigins: 'CORS_ORIGINS',
  passcode: 'QA_PASSCODE',
  basicAuth: 'QA_BASIC_AUTH',
  access: 'QA_PASSCODE or QA_BASIC_AUTH',
  allowCallerId: 'QA_ALLOW_CALLER_ID',
  webTestDir: 'WEB_TEST_DIR',
  trustProxy: 'TOKEN_API_TRUST_PROXY',
  logLevel: 'LOG_LEVEL',
};

/** An unset or empty variable means "use the default". */
function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}

/**
 * Reads the environment once; throws a ConfigError naming the variable to fix.
 * Production mode is TOKEN_API_MODE=production; when TOKEN_API_MODE is unset it follows
 * NODE_ENV (production when NODE_ENV=production, development otherwise).
 */
export function loadConfig(env: NodeJS.ProcessEnv): TokenApiConfig {
  const livekitUrl = value(env, 'LIVEKIT_URL');
  const webTestDir = value(env, 'WEB_TEST_DIR');
  // npm runs workspace scripts in the workspace folder; relative paths mean the caller's folder.
  const base = env.INIT_CWD ?? process.cwd();
  const parsed = schema.safeParse({
    mode:
      value(env, 'TOKEN_API_MODE') ??
      (env.NODE_ENV === 'production' ? 'production' : 'development'),
    livekitUrl,
    publicUrl: value(env, 'LIVEKIT_PUBLIC_URL') ?? livekitUrl,
    apiKey: value(env, 'LIVEKIT_API_KEY'),
    apiSecret: value(env, 'LIVEKIT_API_SECRET'),
    host: value(env, 'TOKEN_API_HOST') ?? '127.0.0.1',
    port: value(env, 'TOKEN_API_PORT') ?? 3000,
    agentName: value(env, 'AGENT_NAME') ?? DEFAULT_AGENT_NAME,
    ttlSeconds: value(env, 'TOKEN_TTL_SECONDS') ?? 600,
    rateLimitPerMin: value(env, 'TOKEN_RATE_LIMIT_PER_MIN') ?? 10,
    corsOrigins: (value(env, 'CORS_ORIGINS') ?? '')
      .split(',')
      .map((item) => item.trim().replace(/\/$/, ''))
      .filter((item) => item !== ''),
    passcode: value(env, 'QA_PASSCODE'),
    basicAuth: value(env, 'QA_BASIC_AUTH'),
    allowCallerId: value(env, 'QA_ALLOW_CALLER_ID') ?? 'false',
    webTestDir:
      webTestDir === undefined
        ? DEFAULT_WEB_TEST_DIR
        : isAbsolute(webTestDir)
          ? webTestDir
          : resolve(base, webTestDir),
    trustProxy: value(env, 'TOKEN_API_TRUST_PROXY') ?? 0,
    logLevel: value(env, 'LOG_LEVEL') ?? 'info',
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0] ?? '');
    throw new ConfigError(`Invalid configuration: ${SOURCES[key] ?? key} ${issue.message}`);
  }
  return Object.freeze({
    ...parsed.data,
    corsOrigins: Object.freeze([...parsed.data.corsOrigins]),
    basicAuth: parsed.data.basicAuth && Object.freeze({ ...parsed.data.basicAuth }),
  }) as TokenApiConfig;
}

/** Whether testers must prove who they are before getting a token. */
export function hasAccessControl(config: Pick<TokenApiConfig, 'passcode' | 'basicAuth'>): boolean {
  return config.passcode !== undefined || config.basicAuth !== undefined;
}
