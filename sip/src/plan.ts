// The pure diff: what the file wants against what the server holds, as a list of actions.
// Objects are matched by kind and name. Only objects carrying this tool's marker with the file's
// scope in their metadata are ever updated or deleted; anything else on the server is left alone
// (and reported).
import {
  DEFAULT_SCOPE,
  KIND_LABEL,
  MANAGED_METADATA,
  managedMetadata,
  managedScope,
  headersToAttributesFor,
  ruleAttributesFor,
  type CurrentState,
  type DesiredState,
  type DispatchRule,
  type DispatchRuleSpec,
  type InboundTrunk,
  type InboundTrunkSpec,
  type Kind,
  type OutboundTrunk,
  type OutboundTrunkSpec,
  type RoomRule,
} from './model.js';
import { GUARD_NAME, guardSpec, isGuard } from './guard.js';
import { findCatches, type Catch } from './catches.js';

/** One field that differs; values are display strings (secret ones are masked when printed). */
export interface Change {
  readonly field: string;
  readonly before: string;
  readonly after: string;
  readonly secret: boolean;
}

type KindActions<K extends Kind, Spec, Current> =
  | { readonly op: 'create'; readonly kind: K; readonly name: string; readonly spec: Spec }
  | {
      readonly op: 'update';
      readonly kind: K;
      readonly name: string;
      readonly spec: Spec;
      readonly current: Current;
      readonly changes: readonly Change[];
    }
  | {
      readonly op: 'noop';
      readonly kind: K;
      readonly name: string;
      readonly spec: Spec;
      readonly current: Current;
    }
  | { readonly op: 'delete'; readonly kind: K; readonly name: string; readonly current: Current };

export type Action =
  | KindActions<'inbound', InboundTrunkSpec, InboundTrunk>
  | KindActions<'outbound', OutboundTrunkSpec, OutboundTrunk>
  | KindActions<'rule', DispatchRuleSpec, DispatchRule>;

export interface Unmanaged {
  readonly kind: Kind;
  readonly id: string;
  readonly name: string;
  /** Set when this tool made it, applying another file (another scope). */
  readonly scope?: string;
}

export interface Plan {
  /** The file's scope: what apply writes into the metadata (default: DEFAULT_SCOPE). */
  readonly scope?: string;
  /** In execution order: rule deletions, trunk deletions, trunks, then rules. */
  readonly actions: readonly Action[];
  /** Objects without this tool's marker, or of another file's scope: never touched. */
  readonly unmanaged: readonly Unmanaged[];
  /** Reasons the plan cannot be applied (name clashes with unmanaged or duplicated objects). */
  readonly errors: readonly string[];
  /** Unmanaged objects that would take calls meant for the file's numbers (catches.ts). */
  readonly catches?: readonly Catch[];
  /** Trunks of the file that no rule of the file names: their calls are dropped as a "flood". */
  readonly unrouted?: readonly { readonly name: string; readonly numbers: readonly string[] }[];
}

export interface PlanSummary {
  readonly create: number;
  readonly update: number;
  readonly delete: number;
  readonly unchanged: number;
}

export function summarize(plan: Plan): PlanSummary {
  const count = (op: Action['op']) => plan.actions.filter((action) => action.op === op).length;
  return {
    create: count('create'),
    update: count('update'),
    delete: count('delete'),
    unchanged: count('noop'),
  };
}

export function hasChanges(plan: Plan): boolean {
  return plan.actions.some((action) => action.op !== 'noop');
}

interface Matched<Spec, Current> {
  readonly pairs: { spec: Spec; current: Current | undefined }[];
  readonly orphans: Current[];
}

/**
 * Pairs each spec with the server object of the same name in the file's scope; collects clashes.
 * An object of the default scope (applied by a file without `scope:`, or before scopes existed)
 * is taken over by a scoped file that names it, and otherwise left alone: so a carrier trunk
 * applied before scopes existed survives the dev file's apply, and the dev objects move into the
 * dev scope on its first apply.
 */
function match<
  Spec extends { name: string },
  Current extends { id: string; name: string; metadata: string },
>(
  kind: Kind,
  specs: readonly Spec[],
  current: readonly Current[],
  scope: string,
  unmanaged: Unmanaged[],
  errors: string[],
): Matched<Spec, Current> {
  const label = KIND_LABEL[kind];
  const wanted = new Set(specs.map((spec) => spec.name));
  const adoptable = (item: Current) =>
    scope !== DEFAULT_SCOPE &&
    managedScope(item.metadata) === DEFAULT_SCOPE &&
    wanted.has(item.name) &&
    !current.some((other) => other.name === item.name && managedScope(other.metadata) === scope);
  const owned = current.filter((item) => managedScope(item.metadata) === scope || adoptable(item));
  for (const item of current) {
    const itemScope = managedScope(item.metadata);
    if (itemScope === undefined) unmanaged.push({ kind, id: item.id, name: item.name });
    else if (!owned.includes(item))
      unmanaged.push({ kind, id: item.id, name: item.name, scope: itemScope });
  }
  const pairs = specs.map((spec) => {
    const sameName = owned.filter((item) => item.name === spec.name);
    if (sameName.length > 1) {
      errors.push(
        `${sameName.length} managed ${label}s are named "${spec.name}" on the server (${sameName.map((item) => item.id).join(', ')}): delete the extra ones with \`npm run sip -- delete ID\``,
      );
    }
    if (sameName.length === 0) {
      const foreign = current.find((item) => item.name === spec.name);
      const foreignScope = foreign === undefined ? undefined : managedScope(foreign.metadata);
      if (foreign !== undefined && foreignScope === undefined) {
        errors.push(
          `${label} "${spec.name}" exists on the server (${foreign.id}) but was not created by this tool, so it is never changed: rename it in the file, or delete it by hand with \`npm run sip -- delete ${foreign.id}\` and apply again`,
        );
      } else if (foreign !== undefined) {
        errors.push(
          `${label} "${spec.name}" exists on the server (${foreign.id}) but belongs to another file (scope "${foreignScope}"), so this file never changes it: rename it here, or remove it from that file`,
        );
      }
    }
    return { spec, current: sameName[0] };
  });
  const orphans = owned.filter((item) => !wanted.has(item.name));
  return { pairs, orphans };
}

const list = (values: readonly string[]): string =>
  values.length === 0 ? '(none)' : [...values].sort().join(', ');

function compare(
  changes: Change[],
  field: string,
  before: string,
  after: string,
  secret = false,
): void {
  if (before !== after) changes.push({ field, before, after, secret });
}

function compareLists(
  changes: Change[],
  field: string,
  before: readonly string[],
  after: readonly string[],
): void {
  compare(changes, field, list(before), list(after));
}

/** Maps as sorted `key → value` lists; an absent map is an empty one. */
function compareMaps(
  changes: Change[],
  field: string,
  before: Readonly<Record<string, string>> | undefined,
  after: Readonly<Record<string, string>>,
): void {
  const entries = (map: Readonly<Record<string, string>> | undefined) =>
    Object.entries(map ?? {}).map(([key, value]) => `${key} → ${value}`);
  compareLists(changes, field, entries(before), entries(after));
}

function compareAuth(
  changes: Change[],
  before: { username: string; password: string } | undefined,
  after: { username: string; password: string } | undefined,
): void {
  compare(changes, 'auth.username', before?.username ?? '(none)', after?.username ?? '(none)');
  compare(changes, 'auth.password', before?.password ?? '', after?.password ?? '', true);
}

export function diffInbound(
  current: InboundTrunk,
  spec: InboundTrunkSpec,
  metadata = MANAGED_METADATA,
): Change[] {
  const changes: Change[] = [];
  compareLists(changes, 'numbers', current.numbers, spec.numbers);
  compareLists(changes, 'allowedAddresses', current.allowedAddresses, spec.allowedAddresses);
  compareLists(changes, 'allowedNumbers', current.allowedNumbers, spec.allowedNumbers);
  compareAuth(changes, current.auth, spec.auth);
  compare(changes, 'krisp', String(current.krisp), String(spec.krisp));
  compare(changes, 'mediaEncryption', current.mediaEncryption, spec.mediaEncryption);
  compareMaps(
    changes,
    'headersToAttributes',
    current.headersToAttributes,
    headersToAttributesFor(spec.callerIdTrust),
  );
  compare(changes, 'metadata', current.metadata, metadata);
  return changes;
}

export function diffOutbound(
  current: OutboundTrunk,
  spec: OutboundTrunkSpec,
  metadata = MANAGED_METADATA,
): Change[] {
  const changes: Change[] = [];
  compare(changes, 'address', current.address, spec.address);
  compare(changes, 'transport', current.transport, spec.transport);
  compareLists(changes, 'numbers', current.numbers, spec.numbers);
  compareAuth(changes, current.auth, spec.auth);
  compare(changes, 'mediaEncryption', current.mediaEncryption, spec.mediaEncryption);
  compare(changes, 'metadata', current.metadata, metadata);
  return changes;
}

export function describeRoomRule(rule: RoomRule | undefined): string {
  if (rule === undefined) return '(a rule type this tool does not manage)';
  const pin = rule.pin === '' ? '' : ', with a PIN';
  switch (rule.type) {
    case 'individual':
      return `individual: a new room per call, named ${rule.roomPrefix}_<caller's number>_<random>${pin}`;
    case 'direct':
      return `direct: every call into room "${rule.roomName}"${pin}`;
    case 'callee':
      return rule.randomize
        ? `a new room per call, named ${rule.roomPrefix}_<called number>_<random> (never the caller's number)${pin}`
        : `callee: a room per called number, prefix "${rule.roomPrefix}"${pin}`;
  }
}

/**
 * Compares a rule; its trunks are compared by name (`trunkNames` maps the server's trunk IDs to
 * names), since the IDs of trunks still to be created are not known yet.
 */
export function diffRule(
  current: DispatchRule,
  spec: DispatchRuleSpec,
  trunkNames: ReadonlyMap<string, string>,
  metadata = MANAGED_METADATA,
): Change[] {
  const changes: Change[] = [];
  const before = current.rule;
  const after = spec.rule;
  if (before === undefined || before.type !== after.type) {
    compare(changes, 'type', describeRoomRule(before), describeRoomRule(after));
  } else {
    const field = (rule: RoomRule, key: string): string =>
      String((rule as unknown as Record<string, unknown>)[key] ?? '');
    for (const key of ['roomPrefix', 'roomName', 'randomize']) {
      compare(changes, key, field(before, key), field(after, key));
    }
  }
  compare(changes, 'pin', before?.pin ?? '', after.pin, true);
  const names = current.trunkIds.map((id) => trunkNames.get(id) ?? `(unknown trunk ${id})`);
  compareLists(changes, 'trunks', names, spec.trunks);
  compareLists(changes, 'agents', current.agentNames, [spec.agentName]);
  compareMaps(changes, 'attributes', current.attributes, ruleAttributesFor(spec.callerIdTrust));
  compare(changes, 'metadata', current.metadata, metadata);
  return changes;
}

function upserts<K extends Kind, Spec extends { name: string }, Current>(
  kind: K,
  pairs: readonly { spec: Spec; current: Current | undefined }[],
  diff: (current: Current, spec: Spec) => Change[],
): KindActions<K, Spec, Current>[] {
  return pairs.map(({ spec, current }): KindActions<K, Spec, Current> => {
    if (current === undefined) return { op: 'create', kind, name: spec.name, spec };
    const changes = diff(current, spec);
    return changes.length === 0
      ? { op: 'noop', kind, name: spec.name, spec, current }
      : { op: 'update', kind, name: spec.name, spec, current, changes };
  });
}

function deletions<K extends Kind, Current extends { name: string }>(
  kind: K,
  orphans: readonly Current[],
): KindActions<K, never, Current>[] {
  return orphans.map((current) => ({ op: 'delete', kind, name: current.name, current }));
}

/** The actions that make `current` match `desired`. Pure. */
export function planChanges(
  desired: DesiredState,
  current: CurrentState,
  scope: string = DEFAULT_SCOPE,
  newGuard: () => InboundTrunkSpec = guardSpec,
): Plan {
  const unmanaged: Unmanaged[] = [];
  const errors: string[] = [];
  // The guard (guard.ts) belongs to no file: never matched by name, never deleted. It is created
  // once a file relies on an allowlist, so that a call from outside it is refused at once.
  const trunks = current.inbound.filter((trunk) => !isGuard(trunk.metadata));
  const needsGuard =
    trunks.length === current.inbound.length &&
    desired.inbound.some((trunk) => trunk.allowedAddresses.length > 0);
  const inbound = match('inbound', desired.inbound, trunks, scope, unmanaged, errors);
  const outbound = match('outbound', desired.outbound, current.outbound, scope, unmanaged, errors);
  const rules = match('rule', desired.rules, current.rules, scope, unmanaged, errors);
  const trunkNames = new Map(current.inbound.map((trunk) => [trunk.id, trunk.name]));
  const metadata = managedMetadata(scope);

  const actions: Action[] = [
    ...deletions('rule', rules.orphans),
    ...deletions('inbound', inbound.orphans),
    ...deletions('outbound', outbound.orphans),
    ...upserts('inbound', inbound.pairs, (trunk, spec) => diffInbound(trunk, spec, metadata)),
    ...(needsGuard
      ? [{ op: 'create', kind: 'inbound', name: GUARD_NAME, spec: newGuard() } as const]
      : []),
    ...upserts('outbound', outbound.pairs, (trunk, spec) => diffOutbound(trunk, spec, metadata)),
    ...upserts('rule', rules.pairs, (rule, spec) => diffRule(rule, spec, trunkNames, metadata)),
  ];
  const catches = findCatches({
    desired,
    current,
    foreign: new Map(unmanaged.map((item) => [item.id, item.scope])),
    trunkIds: new Map(
      inbound.pairs.flatMap(({ spec, current: trunk }) =>
        trunk === undefined ? [] : [[spec.name, trunk.id] as const],
      ),
    ),
    guardExists: trunks.length !== current.inbound.length,
    guardPlanned: needsGuard,
  });
  const ruled = new Set(desired.rules.flatMap((rule) => rule.trunks));
  const unrouted = desired.inbound
    .filter((spec) => !ruled.has(spec.name))
    .map((spec) => ({ name: spec.name, numbers: spec.numbers }));
  return { scope, actions, unmanaged, errors, catches, unrouted };
}
