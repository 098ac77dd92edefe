// The command line and the environment, parsed once. Nothing else reads either.
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_AGENT_NAME, isE164 } from '@ecommerce-voicebot/contracts';
import { z } from 'zod';
import type { LiveKitConnection } from './livekit-client.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEFAULT_TRUNKS_FILE = resolve(REPO_ROOT, 'sip/trunks.yaml');

export const USAGE = `Usage: npm run sip -- COMMAND

Commands:
  plan [FILE]      validate the trunks file and show what apply would change on the server
  apply [FILE]     make the server's SIP trunks and dispatch rules match the file
  list             show every SIP trunk and dispatch rule on the server (passwords masked)
  delete ID        delete one trunk (ST_...) or dispatch rule (SDR_...) by ID
  call NUMBER      place a test call through an outbound trunk into a new room
      --trunk NAME     outbound trunk name or ID (default: the only one on the server)
      --room ROOM      room to put the call in (default: sip-test-<time>)
      --from NUMBER    caller number to present (default: the trunk's number)
      --agent          dispatch the agent into the room first, so the callee talks to it
      --ring SECONDS   how long to let it ring (default: 30)

FILE defaults to sip/trunks.yaml; a relative FILE is read from the folder npm was started in.
Environment: LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET, AGENT_NAME, and the variables the
file references as \${NAME}. The root .env is read too (the environment wins).`;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type Command =
  | { readonly name: 'help' }
  | { readonly name: 'plan' | 'apply'; readonly file: string; readonly displayFile: string }
  | { readonly name: 'list' }
  | { readonly name: 'delete'; readonly id: string }
  | {
      readonly name: 'call';
      readonly number: string;
      readonly trunk: string | undefined;
      readonly room: string | undefined;
      readonly from: string | undefined;
      readonly agent: boolean;
      readonly ringSeconds: number;
    };

type Env = Readonly<Record<string, string | undefined>>;

/** Parses the command line; relative paths are read from INIT_CWD (where npm was started). */
export function parseCommand(argv: readonly string[], env: Env, cwd: string): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        trunk: { type: 'string' },
        room: { type: 'string' },
        from: { type: 'string' },
        agent: { type: 'boolean' },
        ring: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const [name, argument, ...extra] = positionals;
  if (values.help || name === undefined || name === 'help') return { name: 'help' };
  const callOnly = ['trunk', 'room', 'from', 'agent', 'ring'].filter(
    (option) => values[option as keyof typeof values] !== undefined,
  );
  if (name !== 'call' && callOnly.length > 0) {
    throw new ConfigError(`--${callOnly[0]} only applies to the call command.\n\n${USAGE}`);
  }
  const tooMany = (max: number) => {
    if (extra.length > 0 || (max === 0 && argument !== undefined)) {
      throw new ConfigError(`Too many arguments for ${name}.\n\n${USAGE}`);
    }
  };

  switch (name) {
    case 'plan':
    case 'apply': {
      tooMany(1);
      const base = env.INIT_CWD || cwd;
      const file =
        argument === undefined
          ? DEFAULT_TRUNKS_FILE
          : isAbsolute(argument)
            ? argument
            : resolve(base, argument);
      const shown = relative(base, file);
      return {
        name,
        file,
        displayFile: shown === '' || shown.startsWith('..') || isAbsolute(shown) ? file : shown,
      };
    }
    case 'list':
      tooMany(0);
      return { name };
    case 'delete':
      tooMany(1);
      if (argument === undefined || !/^(ST|SDR)_[A-Za-z0-9]+$/.test(argument)) {
        throw new ConfigError(
          'delete needs the ID of a trunk (ST_...) or dispatch rule (SDR_...): see `npm run sip -- list`',
        );
      }
      return { name, id: argument };
    case 'call': {
      tooMany(1);
      if (argument === undefined || !/^\+?[0-9A-Za-z*#._-]+$/.test(argument)) {
        throw new ConfigError(
          'call needs the number to dial, in E.164 like +15550100 (or a SIP user name, not a SIP URI)',
        );
      }
      const ring = values.ring === undefined ? 30 : Number(values.ring);
      if (!Number.isInteger(ring) || ring < 1 || ring > 300) {
        throw new ConfigError('--ring must be a whole number of seconds between 1 and 300');
      }
      if (values.from !== undefined && !isE164(values.from)) {
        throw new ConfigError('--from must be an E.164 number like +15550100');
      }
      return {
        name,
        number: argument,
        trunk: values.trunk,
        room: values.room,
        from: values.from,
        agent: values.agent ?? false,
        ringSeconds: ring,
      };
    }
    default:
      throw new ConfigError(`Unknown command "${name}".\n\n${USAGE}`);
  }
}

const optional = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const serverSchema = z.object({
  LIVEKIT_URL: optional.pipe(
    z
      .string({ error: 'is not set (like http://127.0.0.1:7880 or wss://livekit.example.com)' })
      .regex(/^(https?|wss?):\/\/[^\s/]+/i, {
        error: 'must be an http(s):// or ws(s):// URL like ws://127.0.0.1:7880',
      }),
  ),
  LIVEKIT_API_KEY: optional.pipe(z.string({ error: 'is not set' })),
  LIVEKIT_API_SECRET: optional.pipe(z.string({ error: 'is not set' })),
});

/** The server connection; ws(s):// becomes http(s):// for the SDK's HTTP API. */
export function loadConnection(env: Env): LiveKitConnection {
  const parsed = serverSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${String(issue.path[0])} ${issue.message}`);
  }
  const url = parsed.data.LIVEKIT_URL.replace(/^ws(s?):\/\//i, 'http$1://').replace(/\/+$/, '');
  return {
    url,
    apiKey: parsed.data.LIVEKIT_API_KEY,
    apiSecret: parsed.data.LIVEKIT_API_SECRET,
  };
}

/** The agent dispatch rules name when the file does not: the worker's own AGENT_NAME default. */
export function agentName(env: Env): string {
  const value = env.AGENT_NAME?.trim();
  return value === undefined || value === '' ? DEFAULT_AGENT_NAME : value;
}
