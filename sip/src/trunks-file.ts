// Loads the trunks file: YAML with positions, ${ENV} substitution in values, a zod schema, and the
// checks that span entries (unique names, rules naming trunks of the file). Every problem is
// reported with file, line and column; messages never repeat a value (it may be a secret).
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { isMap, isNode, isPair, isScalar, LineCounter, parseDocument, visit } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import {
  CALLER_ID_TRUST_VALUES,
  DEFAULT_CALLER_ID_TRUST,
  E164_PATTERN,
  substituteEnv,
} from '@ecommerce-voicebot/contracts';
import { z } from 'zod';
import {
  DEFAULT_SCOPE,
  MEDIA_ENCRYPTION_VALUES,
  type DesiredState,
  type DispatchRuleSpec,
  type RoomRule,
} from './model.js';

export interface FileIssue {
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly message: string;
}

export function formatIssue(issue: FileIssue): string {
  const where =
    issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  return `${where}: ${issue.message}`;
}

export class TrunksFileError extends Error {
  override name = 'TrunksFileError';
  constructor(readonly issues: readonly FileIssue[]) {
    super(issues.map(formatIssue).join('\n'));
  }
}

export interface TrunksFile {
  readonly desired: DesiredState;
  /** Apply changes and deletes only objects applied under this scope (model.ts, DEFAULT_SCOPE). */
  readonly scope: string;
  /** Values that must never be printed (trunk passwords), for the output's last-resort redaction. */
  readonly secrets: readonly string[];
}

export interface ParseOptions {
  /** Shown in messages (a path relative to where the command was started). */
  readonly file: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Agent dispatched by rules that name none. */
  readonly defaultAgentName: string;
}

// ---------------------------------------------------------------------------------------------
// Schema

const NAME = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, {
  error: 'must be 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit',
});
const E164 = z.string().regex(E164_PATTERN, {
  error: 'must be an E.164 number: "+", country code and number, digits only (like +15550100)',
});
const ADDRESS = z
  .string()
  .superRefine((value, ctx) => {
    const problem = addressProblem(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform(asPrefix);
const HOST_PORT = z.string().refine(isHostPort, {
  error: 'must be host[:port] like sip.telnyx.com or 203.0.113.5:5060 (no sip: prefix, no user@)',
});
const AUTH = z.strictObject({
  username: z.string().min(1, { error: 'must not be empty' }),
  password: z.string().min(1, { error: 'must not be empty' }),
});
// LiveKit's default too: plain RTP unless the file asks for SRTP.
const MEDIA_ENCRYPTION = z.enum(MEDIA_ENCRYPTION_VALUES).default('disable');
const ROOM = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(100, { error: 'must be at most 100 characters' })
  .regex(/^\S+$/, { error: 'must not contain spaces' });
const PIN = z
  .string({ error: 'must be digits in quotes, like "1234"' })
  .regex(/^[0-9]{1,12}$/, { error: 'must be 1-12 digits, in quotes, like "1234"' });

/** A list without duplicates; YAML's empty value (`key:` with nothing) counts as an empty list. */
function list<T extends z.ZodType<string>>(item: T, min: number, what: string) {
  return z
    .array(item)
    .nullish()
    .transform((value) => value ?? [])
    .superRefine((values, ctx) => {
      if (values.length < min)
        ctx.addIssue({ code: 'custom', message: `needs at least ${min} ${what}` });
      values.forEach((value, index) => {
        if (values.indexOf(value) !== index)
          ctx.addIssue({ code: 'custom', path: [index], message: `repeats an earlier ${what}` });
      });
    });
}

const INBOUND = z
  .strictObject({
    name: NAME,
    numbers: list(E164, 1, 'number'),
    allowedAddresses: list(ADDRESS, 0, 'address'),
    allowedNumbers: list(E164, 0, 'number'),
    auth: AUTH.optional(),
    krisp: z.boolean().default(false),
    mediaEncryption: MEDIA_ENCRYPTION,
    // Caller ID is a claim: by default a number verifies the caller only when the carrier attests it.
    callerIdTrust: z.enum(CALLER_ID_TRUST_VALUES).default(DEFAULT_CALLER_ID_TRUST),
  })
  .superRefine((trunk, ctx) => {
    if (trunk.auth === undefined && trunk.allowedAddresses.length === 0) {
      ctx.addIssue({
        code: 'custom',
        message:
          'an inbound trunk needs digest credentials (auth) or an allowedAddresses list: without either, anyone who reaches the bridge can call its numbers',
      });
    }
  });

const OUTBOUND = z.strictObject({
  name: NAME,
  address: HOST_PORT,
  transport: z.enum(['auto', 'udp', 'tcp', 'tls']).default('auto'),
  numbers: list(E164, 1, 'number'),
  auth: AUTH.optional(),
  mediaEncryption: MEDIA_ENCRYPTION,
});

const RULE_COMMON = {
  name: NAME,
  trunks: list(NAME, 1, 'trunk'),
  agentName: z.string().min(1, { error: 'must not be empty' }).optional(),
  pin: PIN.optional(),
};

const RULE = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('individual'), roomPrefix: ROOM, ...RULE_COMMON }),
    z.strictObject({ type: z.literal('direct'), roomName: ROOM, ...RULE_COMMON }),
    z.strictObject({
      type: z.literal('callee'),
      roomPrefix: ROOM,
      randomize: z.boolean().default(false),
      ...RULE_COMMON,
    }),
  ],
  { error: 'must be individual (a room per call), direct (one named room) or callee' },
);

const FILE = z
  .strictObject({
    scope: NAME.optional(),
    inbound: z
      .array(INBOUND)
      .nullish()
      .transform((value) => value ?? []),
    outbound: z
      .array(OUTBOUND)
      .nullish()
      .transform((value) => value ?? []),
    dispatchRules: z
      .array(RULE)
      .nullish()
      .transform((value) => value ?? []),
  })
  .superRefine((file, ctx) => {
    const trunkNames = new Map<string, string>();
    const kinds = ['inbound', 'outbound'] as const;
    for (const kind of kinds) {
      file[kind].forEach((trunk, index) => {
        const earlier = trunkNames.get(trunk.name);
        if (earlier !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [kind, index, 'name'],
            message: `the name "${trunk.name}" is already used by ${earlier}: trunk names must be unique`,
          });
        } else trunkNames.set(trunk.name, `${kind}[${index}]`);
      });
    }
    const inbound = new Set(file.inbound.map((trunk) => trunk.name));
    const outbound = new Set(file.outbound.map((trunk) => trunk.name));
    const ruleNames = new Map<string, number>();
    file.dispatchRules.forEach((rule, index) => {
      const earlier = ruleNames.get(rule.name);
      if (earlier !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['dispatchRules', index, 'name'],
          message: `the name "${rule.name}" is already used by dispatchRules[${earlier}]: rule names must be unique`,
        });
      } else ruleNames.set(rule.name, index);
      // The rule tells the agent its trunks' caller ID policy, so they must agree on one.
      const policies = new Set(
        file.inbound.filter((t) => rule.trunks.includes(t.name)).map((t) => t.callerIdTrust),
      );
      if (policies.size > 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['dispatchRules', index, 'trunks'],
          message: `names trunks with different callerIdTrust (${[...policies].sort().join(', ')}): the rule tells the agent one policy, so use one rule per policy`,
        });
      }
      rule.trunks.forEach((trunk, position) => {
        if (inbound.has(trunk)) return;
        ctx.addIssue({
          code: 'custom',
          path: ['dispatchRules', index, 'trunks', position],
          message: outbound.has(trunk)
            ? `"${trunk}" is an outbound trunk: dispatch rules apply to inbound trunks`
            : `no inbound trunk named "${trunk}" in this file`,
        });
      });
    });
  });

type ParsedFile = z.output<typeof FILE>;

const EXPECTED: Record<string, string> = {
  string: 'text',
  array: 'a list',
  object: 'a mapping (key: value)',
  boolean: 'true or false',
  number: 'a number',
};

/** Messages for the checks the schema does not word itself. */
const errorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? 'is required'
        : `must be ${EXPECTED[issue.expected] ?? issue.expected}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    default:
      return undefined;
  }
};

// ---------------------------------------------------------------------------------------------
// Loading

/** Parses and validates the file's text; throws TrunksFileError listing every problem. */
export function parseTrunksFile(text: string, options: ParseOptions): TrunksFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined, message: string): FileIssue => {
    if (offset === undefined)
      return { file: options.file, line: undefined, column: undefined, message };
    const { line, col } = lineCounter.linePos(offset);
    return { file: options.file, line, column: col, message };
  };

  if (doc.errors.length > 0) {
    throw new TrunksFileError(
      doc.errors.map((error) =>
        at(
          error.pos[0],
          `YAML: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
        ),
      ),
    );
  }
  if (doc.contents === null) {
    throw new TrunksFileError([
      at(
        undefined,
        'the file is empty: it needs inbound, outbound and dispatchRules lists (see sip/README.md)',
      ),
    ]);
  }

  const issues: FileIssue[] = [];
  visit(doc, {
    Scalar(key, node) {
      if (key === 'key' || typeof node.value !== 'string' || !node.value.includes('${')) return;
      const result = substituteEnv(node.value, options.env);
      if (result.ok) node.value = result.value;
      else for (const error of result.errors) issues.push(at(node.range?.[0], error));
    },
  });
  if (issues.length > 0) throw new TrunksFileError(issues);

  const parsed = FILE.safeParse(doc.toJS(), { error: errorMap });
  if (!parsed.success) {
    const found = parsed.error.issues.map((issue) => {
      const path = issue.path.filter((part) => typeof part !== 'symbol') as (string | number)[];
      const offset =
        issue.code === 'unrecognized_keys'
          ? keyOffset(doc, path, issue.keys[0])
          : nodeOffset(doc, path);
      const where = formatPath(path);
      return at(offset, where === '' ? issue.message : `${where}: ${issue.message}`);
    });
    found.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
    throw new TrunksFileError(found);
  }
  return toTrunksFile(parsed.data, options.defaultAgentName);
}

/** Reads the file from disk; a missing or unreadable file is a TrunksFileError too. */
export async function loadTrunksFile(path: string, options: ParseOptions): Promise<TrunksFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? 'error'})`;
    throw new TrunksFileError([
      { file: options.file, line: undefined, column: undefined, message: reason },
    ]);
  }
  return parseTrunksFile(text, options);
}

function toTrunksFile(file: ParsedFile, defaultAgentName: string): TrunksFile {
  const rules = file.dispatchRules.map((rule): DispatchRuleSpec => {
    const pin = rule.pin ?? '';
    let room: RoomRule;
    if (rule.type === 'direct') room = { type: 'direct', roomName: rule.roomName, pin };
    // LiveKit's own individual rule names the room <prefix>_<caller's number>_<random>, putting the
    // caller's number in every room name (server logs, webhooks, dashboards): a room per call is
    // written as a randomized callee rule instead, <prefix>_<called number>_<random>.
    else if (rule.type === 'individual')
      room = { type: 'callee', roomPrefix: rule.roomPrefix, pin, randomize: true };
    else room = { type: 'callee', roomPrefix: rule.roomPrefix, pin, randomize: rule.randomize };
    return {
      name: rule.name,
      rule: room,
      trunks: rule.trunks,
      agentName: rule.agentName ?? defaultAgentName,
      callerIdTrust:
        file.inbound.find((trunk) => rule.trunks.includes(trunk.name))?.callerIdTrust ??
        DEFAULT_CALLER_ID_TRUST,
    };
  });
  const secrets = [...file.inbound, ...file.outbound].flatMap((trunk) =>
    trunk.auth === undefined ? [] : [trunk.auth.password],
  );
  return {
    desired: {
      inbound: file.inbound.map((trunk) => ({ ...trunk, auth: trunk.auth })),
      outbound: file.outbound.map((trunk) => ({ ...trunk, auth: trunk.auth })),
      rules,
    },
    scope: file.scope ?? DEFAULT_SCOPE,
    secrets,
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers

function formatPath(path: readonly (string | number)[]): string {
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`,
    )
    .join('');
}

/** Start of the deepest node along the path that exists (a missing key points at its parent). */
function nodeOffset(doc: Document, path: readonly (string | number)[]): number | undefined {
  for (let length = path.length; length >= 0; length--) {
    const node: unknown = length === 0 ? doc.contents : doc.getIn(path.slice(0, length), true);
    if (isNode(node) && node.range) return node.range[0];
  }
  return undefined;
}

function keyOffset(
  doc: Document,
  path: readonly (string | number)[],
  key: string | undefined,
): number | undefined {
  const node: unknown = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (isMap(node) && key !== undefined) {
    const pair = node.items.find(
      (item) => isPair(item) && isScalar(item.key) && item.key.value === key,
    );
    const keyNode = pair?.key as YamlNode | undefined;
    if (keyNode?.range) return keyNode.range[0];
  }
  return nodeOffset(doc, path);
}

function addressProblem(value: string): string | undefined {
  const [ip = '', prefix, ...rest] = value.split('/');
  const family = isIP(ip);
  if (rest.length > 0 || family === 0) {
    return 'must be an IP address or CIDR like 203.0.113.0/24 (host names are not accepted: the bridge could only compare them with the caller-supplied From header)';
  }
  // The bridge's parser (Go netip) refuses zones in a prefix: the entry would never match.
  if (ip.includes('%')) return 'must not name a network interface (no "%" zone)';
  if (prefix === undefined) return undefined;
  const max = family === 4 ? 32 : 128;
  if (!/^[0-9]{1,3}$/.test(prefix) || Number(prefix) > max) {
    return `has an invalid prefix length (0-${max} after the "/")`;
  }
  if (Number(prefix) === 0) {
    return 'allows every address: leave allowedAddresses out and use auth instead';
  }
  return undefined;
}

/**
 * A bare IP as a one-address CIDR (/32, /128). livekit protocol's trunk matcher (sip/sip.go,
 * matchAddrMasks) also accepts an entry that equals the INVITE's From host as text, and anyone can
 * write `From: <sip:x@198.51.100.10>`; a From host spelled `198.51.100.10/32` is unusual, but
 * still possible, which is why sip/README.md asks for a firewall beside every allowlist.
 */
function asPrefix(value: string): string {
  if (value.includes('/')) return value;
  const family = isIP(value);
  if (family === 4) return `${value}/32`;
  if (family === 6) return `${value}/128`;
  return value;
}

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

function isHostPort(value: string): boolean {
  let host = value;
  let port: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::([0-9]+))?$/.exec(value);
  if (bracketed) {
    if (isIP(bracketed[1]!) !== 6) return false;
    port = bracketed[2];
  } else {
    const colon = value.lastIndexOf(':');
    if (colon !== -1) {
      host = value.slice(0, colon);
      port = value.slice(colon + 1);
    }
    if (!HOSTNAME.test(host)) return false;
  }
  if (port === undefined) return true;
  return /^[0-9]{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65_535;
}
