import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { getCountries, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { toE164 } from './store/phone.js';

const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../data/', import.meta.url));
const COUNTRIES = new Set<string>(getCountries());

export const USAGE = `Usage:
  npm run mcp -- --stdio [--data DIR] [--caller-phone NUMBER]
  npm run mcp -- --http [--port N] [--host ADDRESS] [--data DIR]

Options:
  --stdio                MCP over standard input/output (one session, for a spawned server)
  --http                 MCP over Streamable HTTP at /mcp (needs MCP_AUTH_TOKEN)
  --data DIR             folder with the store's CSV files and store_policies.yaml (default: data/)
  --port N               HTTP port (default: MCP_PORT or 3001)
  --host ADDRESS         HTTP bind address (default: MCP_HOST or 127.0.0.1)
  --caller-phone NUMBER  stdio only: the trusted number the caller is calling from
  --default-country CC   country for phone numbers written without one (default: STORE_DEFAULT_COUNTRY or US)
  --no-watch             do not reload the data when its files change

Environment: MCP_AUTH_TOKEN, MCP_PORT, MCP_HOST, MCP_ALLOWED_HOSTS, STORE_DEFAULT_COUNTRY, LOG_LEVEL`;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const schema = z
  .object({
    transport: z.enum(['stdio', 'http']),
    dataDir: z.string().refine((dir) => existsSync(dir), { error: 'folder does not exist' }),
    port: z.coerce.number().int().min(0).max(65_535),
    host: z.string().min(1),
    authToken: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
    allowedHosts: z.array(z.string().min(1)).optional(),
    defaultCountry: z
      .string()
      .transform((value) => value.toUpperCase())
      .refine((value) => COUNTRIES.has(value), {
        error: 'must be a two-letter country code like US',
      })
      .transform((value) => value as CountryCode),
    callerPhone: z.string().optional(),
    watch: z.boolean(),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  })
  .superRefine((config, ctx) => {
    if (config.transport === 'http' && config.authToken === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['authToken'],
        message: 'is required with --http (every request must carry it as a bearer token)',
      });
    }
    if (config.callerPhone !== undefined && config.transport !== 'stdio') {
      ctx.addIssue({
        code: 'custom',
        path: ['callerPhone'],
        message: 'only applies to --stdio; over HTTP the agent sends the X-Caller-Number header',
      });
    }
    if (
      config.callerPhone !== undefined &&
      toE164(config.callerPhone, config.defaultCountry) === undefined
    ) {
      ctx.addIssue({ code: 'custom', path: ['callerPhone'], message: 'is not a phone number' });
    }
  });

export type McpConfig = Readonly<z.infer<typeof schema>>;

/** Where each setting comes from, so an error names what the user has to fix. */
const SOURCES: Record<string, string> = {
  transport: '--stdio / --http',
  dataDir: '--data',
  port: '--port / MCP_PORT',
  host: '--host / MCP_HOST',
  authToken: 'MCP_AUTH_TOKEN',
  allowedHosts: 'MCP_ALLOWED_HOSTS',
  defaultCountry: '--default-country / STORE_DEFAULT_COUNTRY',
  callerPhone: '--caller-phone',
  logLevel: 'LOG_LEVEL',
};

/** Parses the command line and environment once; throws a ConfigError naming the setting. */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): McpConfig {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        stdio: { type: 'boolean' },
        http: { type: 'boolean' },
        data: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'caller-phone': { type: 'string' },
        'default-country': { type: 'string' },
        'no-watch': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help) throw new ConfigError(USAGE);
  if (values.stdio === values.http)
    throw new ConfigError(`Choose exactly one of --stdio or --http.\n\n${USAGE}`);
  // npm runs workspace scripts in the workspace folder; relative paths mean the caller's folder.
  const base = env.INIT_CWD ?? process.cwd();
  const dataDir =
    values.data === undefined
      ? DEFAULT_DATA_DIR
      : isAbsolute(values.data)
        ? values.data
        : resolve(base, values.data);
  const parsed = schema.safeParse({
    transport: values.stdio ? 'stdio' : 'http',
    dataDir,
    port: values.port ?? env.MCP_PORT ?? 3001,
    host: values.host ?? env.MCP_HOST ?? '127.0.0.1',
    authToken: env.MCP_AUTH_TOKEN || undefined,
    allowedHosts: env.MCP_ALLOWED_HOSTS
      ? env.MCP_ALLOWED_HOSTS.split(',').map((host) => host.trim())
      : undefined,
    defaultCountry: values['default-country'] ?? env.STORE_DEFAULT_COUNTRY ?? 'US',
    callerPhone: values['caller-phone'],
    watch: !values['no-watch'],
    logLevel: env.LOG_LEVEL ?? 'info',
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0] ?? '');
    throw new ConfigError(`Invalid configuration: ${SOURCES[key] ?? key} ${issue.message}`);
  }
  return Object.freeze(parsed.data);
}
