// Everything the CLI prints, as plain lines. Passwords and PINs are shown as *** (or "(none)");
// `redact` is the last line of defence for any text that could carry one (server messages).
import type { Applied } from './apply.js';
import { CALLER_ID_TRUST_ATTRIBUTE } from '@ecommerce-voicebot/contracts';
import { isGuard } from './guard.js';
import {
  DEFAULT_SCOPE,
  KIND_LABEL,
  managedScope,
  type Auth,
  type CurrentState,
  type DispatchRule,
  type InboundTrunk,
  type Kind,
  type OutboundTrunk,
} from './model.js';
import { describeRoomRule, summarize, type Action, type Change, type Plan } from './plan.js';

export const MASK = '***';

/** Where the CLI writes: `out` for results, `err` for problems. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
}

/** Shows that a secret is set without showing anything about it. */
export function maskSecret(value: string | undefined): string {
  return value === undefined || value === '' ? '(none)' : MASK;
}

/** Replaces every occurrence of a known secret (4+ characters) with ***. */
export function redact(text: string, secrets: readonly string[]): string {
  return [...secrets]
    .filter((secret) => secret.length >= 4)
    .sort((a, b) => b.length - a.length)
    .reduce((result, secret) => result.split(secret).join(MASK), text);
}

/** An Output that passes every line through `redact` with the secrets known so far. */
export function redactingOutput(
  output: Output,
  secrets: string[],
): Output & { addSecrets(values: readonly string[]): void } {
  return {
    out: (line) => output.out(redact(line, secrets)),
    err: (line) => output.err(redact(line, secrets)),
    addSecrets: (values) => {
      secrets.push(...values);
    },
  };
}

const list = (values: readonly string[], empty = '(none)'): string =>
  values.length === 0 ? empty : values.join(', ');

const formatAuth = (auth: Auth | undefined): string =>
  auth === undefined ? '(none)' : `${auth.username} / ${maskSecret(auth.password)}`;

function formatChange(change: Change): string {
  if (!change.secret) return `${change.field}: ${change.before} → ${change.after}`;
  return `${change.field}: ${maskSecret(change.before)} → ${maskSecret(change.after)} (changed)`;
}

const title = (kind: Kind, name: string, id?: string): string =>
  `${KIND_LABEL[kind]} "${name}"${id === undefined ? '' : ` (${id})`}`;

function specDetails(action: Action & { op: 'create' }): string[] {
  switch (action.kind) {
    case 'inbound':
      return [
        `numbers: ${list(action.spec.numbers)}`,
        `allowed addresses: ${list(action.spec.allowedAddresses, 'any')}`,
        `allowed callers: ${list(action.spec.allowedNumbers, 'any')}`,
        `auth: ${formatAuth(action.spec.auth)}`,
        `caller ID trust: ${action.spec.callerIdTrust}`,
        `media encryption (SRTP): ${action.spec.mediaEncryption}`,
        ...(action.spec.krisp ? ['krisp: on'] : []),
      ];
    case 'outbound':
      return [
        `address: ${action.spec.address} (${action.spec.transport})`,
        `numbers: ${list(action.spec.numbers)}`,
        `auth: ${formatAuth(action.spec.auth)}`,
        `media encryption (SRTP): ${action.spec.mediaEncryption}`,
      ];
    case 'rule':
      return [
        describeRoomRule(action.spec.rule),
        `trunks: ${list(action.spec.trunks)}`,
        `agent: ${action.spec.agentName}`,
        `caller ID trust: ${action.spec.callerIdTrust}`,
      ];
  }
}

export interface Target {
  readonly file: string;
  readonly server: string;
}

export function formatPlan(plan: Plan, target: Target): string[] {
  const lines = [`Plan for ${target.file} against ${target.server}:`, ''];
  for (const action of plan.actions) {
    switch (action.op) {
      case 'create':
        lines.push(`  + create ${title(action.kind, action.name)}`);
        lines.push(...specDetails(action).map((line) => `      ${line}`));
        break;
      case 'update':
        lines.push(`  ~ update ${title(action.kind, action.name, action.current.id)} in place`);
        lines.push(...action.changes.map((change) => `      ${formatChange(change)}`));
        break;
      case 'delete':
        lines.push(
          `  - delete ${title(action.kind, action.name, action.current.id)}: created by this tool, no longer in the file`,
        );
        break;
      case 'noop':
        lines.push(`  = ${title(action.kind, action.name, action.current.id)}: unchanged`);
        break;
    }
  }
  if (plan.actions.length === 0) lines.push('  (the file describes no SIP objects)');
  // The bridge also matches an allowlist entry against the caller-written From host, so a trunk
  // without credentials is only as safe as the firewall in front of it (sip/README.md).
  const addressOnly = plan.actions.flatMap((action) =>
    action.kind === 'inbound' &&
    action.op !== 'delete' &&
    action.spec.auth === undefined &&
    action.spec.allowedAddresses.length > 0
      ? [action.name]
      : [],
  );
  if (addressOnly.length > 0) {
    lines.push(
      '',
      `Firewall needed: ${addressOnly.map((name) => `"${name}"`).join(', ')} accept${addressOnly.length === 1 ? 's' : ''} calls by source address alone, which a caller can imitate in the From header; open SIP (5060/5061) and the RTP range only to these addresses (sip/README.md, "Allowlists need a firewall").`,
    );
  }
  const foreign = plan.unmanaged.filter((item) => item.scope === undefined);
  const otherFiles = plan.unmanaged.filter((item) => item.scope !== undefined);
  if (foreign.length > 0) {
    lines.push('', 'Not created by this tool, so never changed or deleted by apply:');
    for (const item of foreign) lines.push(`  ${title(item.kind, item.name, item.id)}`);
  }
  if (otherFiles.length > 0) {
    lines.push(
      '',
      'Applied from other files (another scope), so never changed or deleted by this one:',
    );
    for (const item of otherFiles) {
      lines.push(`  ${title(item.kind, item.name, item.id)}: scope "${item.scope}"`);
    }
  }
  lines.push(...formatCatches(plan));
  lines.push('');
  if (plan.errors.length > 0) {
    lines.push('The plan cannot be applied:', ...plan.errors.map((error) => `  ${error}`));
    return lines;
  }
  const summary = summarize(plan);
  if (summary.create + summary.update + summary.delete === 0) {
    lines.push(`No changes: the server already matches ${target.file}.`);
    return lines;
  }
  lines.push(
    `${summary.create} to create, ${summary.update} to update, ${summary.delete} to delete, ${summary.unchanged} unchanged.`,
  );
  if (summary.update > 0) {
    lines.push(
      'Updates replace the whole object on the server and keep its ID (servers without the update API get delete + create, which apply reports).',
    );
  }
  lines.push(
    `Run \`npm run sip -- apply${target.file.endsWith('sip/trunks.yaml') ? '' : ` ${target.file}`}\` to make these changes.`,
  );
  return lines;
}

/** Unmanaged objects that would take our calls, and our trunks whose calls no rule takes. */
export function formatCatches(plan: Plan): string[] {
  const lines: string[] = [];
  const catches = plan.catches ?? [];
  if (catches.length > 0) {
    lines.push(
      '',
      'Warning: objects this file does not manage would catch calls (sip/README.md, "Objects that catch our calls"):',
    );
    for (const item of catches) {
      const owner =
        item.scope === undefined
          ? 'not created by this tool'
          : `applied from the file with scope "${item.scope}"`;
      const numbers =
        item.numbers.length === 0
          ? 'none of our numbers'
          : `our number${item.numbers.length === 1 ? '' : 's'} ${item.numbers.join(', ')}`;
      lines.push(`  ! ${title(item.kind, item.name, item.id)}, ${owner}, catches ${numbers}:`);
      lines.push(`      ${item.effect}.`, `      What to do: ${item.fix}.`);
    }
  }
  for (const trunk of plan.unrouted ?? []) {
    lines.push(
      '',
      `No dispatch rule: calls to ${trunk.numbers.join(', ')} reach trunk "${trunk.name}", which no rule of this file names; unless a rule from elsewhere takes them, the bridge drops them unanswered and logs them as a "flood" (sip/README.md, "Calls the bridge drops as a flood").`,
    );
  }
  return lines;
}

export function formatApplied(applied: readonly Applied[], target: Target): string[] {
  const changed = applied.filter((step) => step.outcome !== 'unchanged');
  if (changed.length === 0) {
    return [
      `No changes: the server already matches ${target.file} (${applied.length} object${applied.length === 1 ? '' : 's'} unchanged).`,
    ];
  }
  const lines = [`Applied ${target.file} to ${target.server}:`];
  const symbol = { created: '+', updated: '~', replaced: '~', deleted: '-', unchanged: '=' };
  for (const step of changed) {
    const fields = step.changes.map((change) => change.field);
    const what =
      step.outcome === 'updated'
        ? `updated ${title(step.kind, step.name, step.id)} in place${fields.length > 0 ? `: ${fields.join(', ')}` : ''}`
        : `${step.outcome} ${title(step.kind, step.name, step.id)}`;
    lines.push(`  ${symbol[step.outcome]} ${what}`);
    if (step.note !== undefined) lines.push(`      (${step.note})`);
  }
  const count = (outcome: Applied['outcome']) =>
    applied.filter((step) => step.outcome === outcome).length;
  lines.push(
    `Done: ${count('created')} created, ${count('updated') + count('replaced')} updated, ${count('deleted')} deleted, ${count('unchanged')} unchanged.`,
  );
  return lines;
}

function inboundLines(trunk: InboundTrunk): string[] {
  return [
    `numbers: ${list(trunk.numbers)}`,
    `allowed addresses: ${list(trunk.allowedAddresses, 'any')}`,
    `allowed callers: ${list(trunk.allowedNumbers, 'any')}`,
    `auth: ${formatAuth(trunk.auth)}`,
    `media encryption (SRTP): ${trunk.mediaEncryption}`,
    ...(trunk.krisp ? ['krisp: on'] : []),
    ...headerLines(trunk.headersToAttributes),
  ];
}

/** The headers a trunk copies into attributes (the carrier's caller ID verification, for us). */
function headerLines(map: Readonly<Record<string, string>> | undefined): string[] {
  const headers = Object.keys(map ?? {}).sort();
  return headers.length === 0 ? [] : [`headers to attributes: ${headers.join(', ')}`];
}

function outboundLines(trunk: OutboundTrunk): string[] {
  return [
    `address: ${trunk.address} (${trunk.transport})`,
    `numbers: ${list(trunk.numbers)}`,
    `auth: ${formatAuth(trunk.auth)}`,
    `media encryption (SRTP): ${trunk.mediaEncryption}`,
  ];
}

function ruleLines(rule: DispatchRule, trunkNames: ReadonlyMap<string, string>): string[] {
  const trunks = rule.trunkIds.map((id) => `${trunkNames.get(id) ?? '?'} (${id})`);
  return [
    describeRoomRule(rule.rule),
    `trunks: ${list(trunks, 'every inbound trunk')}`,
    `agents: ${list(rule.agentNames)}`,
    `caller ID trust: ${rule.attributes?.[CALLER_ID_TRUST_ATTRIBUTE] ?? '(not set: no caller is trusted)'}`,
    ...(rule.rule !== undefined && rule.rule.pin !== '' ? [`pin: ${MASK}`] : []),
  ];
}

export function formatList(current: CurrentState, server: string): string[] {
  const lines = [`SIP objects on ${server}:`];
  const trunkNames = new Map(current.inbound.map((trunk) => [trunk.id, trunk.name]));
  const section = <T extends { id: string; name: string; metadata: string }>(
    heading: string,
    items: readonly T[],
    details: (item: T) => string[],
  ) => {
    lines.push('', `${heading} (${items.length}):`);
    for (const item of items) {
      const scope = managedScope(item.metadata);
      const marker = isGuard(item.metadata)
        ? 'managed: refuses every call no other trunk accepts'
        : scope === undefined
          ? 'not managed: apply never touches it'
          : scope === DEFAULT_SCOPE
            ? 'managed'
            : `managed, scope "${scope}"`;
      lines.push(`  ${item.id}  ${item.name === '' ? '(no name)' : item.name}  [${marker}]`);
      lines.push(...details(item).map((line) => `      ${line}`));
    }
  };
  section('Inbound trunks', current.inbound, inboundLines);
  section('Outbound trunks', current.outbound, outboundLines);
  section('Dispatch rules', current.rules, (rule) => ruleLines(rule, trunkNames));
  return lines;
}

/**
 * Every trunk password the server returned, for `redact`. (PINs are never printed either, but are
 * short digit strings that would blank out parts of phone numbers, so they are not redacted.)
 */
export function serverSecrets(current: CurrentState): string[] {
  return [...current.inbound, ...current.outbound]
    .map((trunk) => trunk.auth?.password ?? '')
    .filter((secret) => secret !== '');
}
