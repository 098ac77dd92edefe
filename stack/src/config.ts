// `npm start`'s settings, read once from the environment (.env plus the shell's): the only module
// of the runner that reads it. Errors name the variable.
import { networkInterfaces } from 'node:os';
import { z } from 'zod';
import { PORTS, type StackSecrets } from './stack.js';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export interface StackConfig {
  /** Address advertised for WebRTC and SIP media. */
  readonly ip: string;
  readonly offline: boolean;
  readonly secrets: Readonly<StackSecrets>;
  /** Everything the services get: .env and the shell's environment. */
  readonly env: Readonly<NodeJS.ProcessEnv>;
}

const SECRET_NAMES = [
  'LIVEKIT_API_KEY',
  'LIVEKIT_API_SECRET',
  'MCP_AUTH_TOKEN',
  'SIP_USERNAME',
  'SIP_PASSWORD',
  'REDIS_PASSWORD',
] as const satisfies readonly (keyof StackSecrets)[];

// The dev trunk answers anyone who reaches port 5060 with its digest credentials, and Redis holds
// every trunk's credentials: a password anyone can read in .env.example, or one short enough to
// guess, opens both. setup generates 16 and 32 characters.
const MIN_LENGTH: Partial<Record<keyof StackSecrets, number>> = {
  SIP_PASSWORD: 12,
  REDIS_PASSWORD: 16,
};
// The values the .env.example files ship with (stack/.env.example, mcp/.env.example).
const PLACEHOLDER = /^(change-me|generated-by-setup$)/;

const required = z.string().trim().min(1);
const ipv4 = z.ipv4();

function firstNonLoopbackIPv4(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? [])
      if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return undefined;
}

export interface LoadOptions {
  offline: boolean;
  /** Defaults to the machine's first non-loopback IPv4 (tests pass their own). */
  defaultIp?: () => string | undefined;
}

/** What `npm start` runs on this machine (`--role`). */
export type Role = 'all' | 'media' | 'worker';
export const ROLES: readonly Role[] = ['all', 'media', 'worker'];

export function parseRole(value: string | undefined): Role {
  const role = value ?? 'all';
  if (!(ROLES as readonly string[]).includes(role))
    throw new ConfigError(
      '--role',
      `must be one of ${ROLES.join(', ')} (got ${JSON.stringify(role)})`,
    );
  return role as Role;
}

function readSecrets<Name extends keyof StackSecrets>(
  env: NodeJS.ProcessEnv,
  names: readonly Name[],
): Pick<StackSecrets, Name> {
  const secrets = {} as Pick<StackSecrets, Name>;
  for (const name of names) {
    const parsed = required.safeParse(env[name]);
    if (!parsed.success)
      throw new ConfigError(
        name,
        'is not set in .env (run `npm run setup` on a fresh clone, or set it)',
      );
    if (PLACEHOLDER.test(parsed.data))
      throw new ConfigError(
        name,
        'is still the placeholder from .env.example: set a fresh random value (`npm run setup` writes one into a new .env)',
      );
    const min = MIN_LENGTH[name];
    if (min !== undefined && parsed.data.length < min)
      throw new ConfigError(
        name,
        `is shorter than ${min} characters: set a longer random value (e.g. \`openssl rand -base64 18\`)`,
      );
    secrets[name] = parsed.data;
  }
  return secrets;
}

function requireModel(env: NodeJS.ProcessEnv, offline: boolean): void {
  if (!offline && !env.OPENAI_API_KEY && !env.AZURE_OPENAI_ENDPOINT)
    throw new ConfigError(
      'OPENAI_API_KEY',
      'is not set: set it in .env, or run `npm start -- --offline` for the local Realtime emulator',
    );
}

export function loadConfig(env: NodeJS.ProcessEnv, options: LoadOptions): StackConfig {
  const secrets = readSecrets(env, SECRET_NAMES);
  const ip = env.STACK_IP || (options.defaultIp ?? firstNonLoopbackIPv4)();
  if (ip === undefined)
    throw new ConfigError(
      'STACK_IP',
      'no non-loopback IPv4 address found: set it (WebRTC ignores loopback)',
    );
  if (!ipv4.safeParse(ip).success)
    throw new ConfigError('STACK_IP', `is not an IPv4 address: ${ip}`);
  requireModel(env, options.offline);
  return Object.freeze({
    ip,
    offline: options.offline,
    secrets: Object.freeze(secrets),
    env: Object.freeze({ ...env }),
  });
}

/** A worker-only host's settings (`npm start -- --role worker`). */
export interface WorkerConfig {
  readonly offline: boolean;
  /** The media host's livekit-server. */
  readonly livekitUrl: string;
  /** A shared MCP server (MCP_URL, not on loopback), or undefined: the host runs its own. */
  readonly mcpUrl: string | undefined;
  /** Offline with an emulator elsewhere (OPENAI_BASE_URL), or undefined: its own. */
  readonly emulatorUrl: string | undefined;
  readonly secrets: Readonly<Pick<StackSecrets, WorkerSecret>>;
  readonly env: Readonly<NodeJS.ProcessEnv>;
}

/**
 * A worker host holds only what its agent needs: the LiveKit key (to join calls and for call
 * recovery) and the MCP bearer token; no SIP or Redis password.
 */
const WORKER_SECRETS = ['LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET', 'MCP_AUTH_TOKEN'] as const;
type WorkerSecret = (typeof WORKER_SECRETS)[number];

function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host.startsWith('127.') || host === '[::1]';
}

const wsUrl = z.url({ protocol: /^wss?$/ });
const httpUrl = z.url({ protocol: /^https?$/ });

export function loadWorkerConfig(
  env: NodeJS.ProcessEnv,
  options: { offline: boolean },
): WorkerConfig {
  const secrets = readSecrets(env, WORKER_SECRETS);
  if (!wsUrl.safeParse(env.LIVEKIT_URL).success)
    throw new ConfigError(
      'LIVEKIT_URL',
      env.LIVEKIT_URL
        ? `must be the media host's livekit-server as a ws:// or wss:// URL (got ${env.LIVEKIT_URL})`
        : "is required on a worker host: the media host's livekit-server, e.g. ws://10.0.0.5:7880",
    );
  if (env.MCP_URL && !httpUrl.safeParse(env.MCP_URL).success)
    throw new ConfigError('MCP_URL', `must be an http:// or https:// URL (got ${env.MCP_URL})`);
  requireModel(env, options.offline);
  return Object.freeze({
    offline: options.offline,
    livekitUrl: env.LIVEKIT_URL!,
    // A loopback MCP_URL (the .env default) can only be this host's own, which the runner starts.
    mcpUrl: env.MCP_URL && !isLoopbackUrl(env.MCP_URL) ? env.MCP_URL : undefined,
    emulatorUrl: options.offline ? env.OPENAI_BASE_URL || undefined : undefined,
    secrets: Object.freeze(secrets),
    env: Object.freeze({ ...env }),
  });
}

/**
 * The banner's warning when `npm start` serves plain HTTP beyond this machine: livekit-server's API
 * (which is also the SIP admin API, guarded only by the API secret) and the token API listen on
 * `ip` without TLS. Production puts a TLS proxy in front (docker-compose.yml, Caddyfile).
 */
export function plainHttpWarning(ip: string): string | undefined {
  if (ip.startsWith('127.')) return undefined;
  return (
    `WARNING: livekit-server (API and SIP admin, port ${PORTS.livekit}) and the token API ` +
    `(${PORTS.tokenApi}) serve plain HTTP without TLS on ${ip}, reachable beyond this machine: ` +
    `use it on a trusted network only; production: docker compose (TLS proxy, plain ports on ` +
    `loopback).`
  );
}
