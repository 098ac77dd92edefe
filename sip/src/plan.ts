// The pure diff: what the file wants against what the server holds, as a list of actions.
// Objects are matched by kind and name. Only objects carrying this tool's marker in their metadata
// are ever updated or deleted; anything else on the server is left alone (and reported).
import {
  KIND_LABEL,
  MANAGED_METADATA,
  isManaged,
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
}

export interface Plan {
  /** In execution order: rule deletions, trunk deletions, trunks, then rules. */
  readonly actions: readonly Action[];
  /** Objects on the server without this tool's marker: never touched. */
  readonly unmanaged: readonly Unmanaged[];
  /** Reasons the plan cannot be applied (name clashes with unmanaged or duplicated objects). */
  readonly errors: readonly string[];
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

/** Pairs each spec with the managed server object of the same name; collects clashes. */
function match<
  Spec extends { name: string },
  Current extends { id: string; name: string; metadata: string },
>(
  kind: Kind,
  specs: readonly Spec[],
  current: readonly Current[],
  unmanaged: Unmanaged[],
  errors: string[],
): Matched<Spec, Current> {
  const label = KIND_LABEL[kind];
  const managed = current.filter((item) => isManaged(item.metadata));
  for (const item of current) {
    if (!isManaged(item.metadata)) unmanaged.push({ kind, id: item.id, name: item.name });
  }
  const pairs = specs.map((spec) => {
    const sameName = managed.filter((item) => item.name === spec.name);
    if (sameName.length > 1) {
      errors.push(
        `${sameName.length} managed ${label}s are named "${spec.name}" on the server (${sameName.map((item) => item.id).join(', ')}): delete the extra ones with \`npm run sip -- delete ID\``,
      );
    }
    if (sameName.length === 0) {
      const foreign = current.find((item) => item.name === spec.name && !isManaged(item.metadata));
      if (foreign !== undefined) {
        errors.push(
          `${label} "${spec.name}" exists on the server (${foreign.id}) but was not created by this tool, so it is never changed: rename it in the file, or delete it by hand with \`npm run sip -- delete ${foreign.id}\` and apply again`,
        );
      }
    }
    return { spec, current: sameName[0] };
  });
  const wanted = new Set(specs.map((spec) => spec.name));
  const orphans = managed.filter((item) => !wanted.has(item.name));
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

function compareAuth(
  changes: Change[],
  before: { username: string; password: string } | undefined,
  after: { username: string; password: string } | undefined,
): void {
  compare(changes, 'auth.username', before?.username ?? '(none)', after?.username ?? '(none)');
  compare(changes, 'auth.password', before?.password ?? '', after?.password ?? '', true);
}

export function diffInbound(current: InboundTrunk, spec: InboundTrunkSpec): Change[] {
  const changes: Change[] = [];
  compareLists(changes, 'numbers', current.numbers, spec.numbers);
  compareLists(changes, 'allowedAddresses', current.allowedAddresses, spec.allowedAddresses);
  compareLists(changes, 'allowedNumbers', current.allowedNumbers, spec.allowedNumbers);
  compareAuth(changes, current.auth, spec.auth);
  compare(changes, 'krisp', String(current.krisp), String(spec.krisp));
  compare(changes, 'metadata', current.metadata, MANAGED_METADATA);
  return changes;
}

export function diffOutbound(current: OutboundTrunk, spec: OutboundTrunkSpec): Change[] {
  const changes: Change[] = [];
  compare(changes, 'address', current.address, spec.address);
  compare(changes, 'transport', current.transport, spec.transport);
  compareLists(changes, 'numbers', current.numbers, spec.numbers);
  compareAuth(changes, current.auth, spec.auth);
  compare(changes, 'metadata', current.metadata, MANAGED_METADATA);
  return changes;
}

export function describeRoomRule(rule: RoomRule | undefined): string {
  if (rule === undefined) return '(a rule type this tool does not manage)';
  const pin = rule.pin === '' ? '' : ', with a PIN';
  switch (rule.type) {
    case 'individual':
      return `individual: a new room per call, prefix "${rule.roomPrefix}"${pin}`;
    case 'direct':
      return `direct: every call into room "${rule.roomName}"${pin}`;
    case 'callee':
      return `callee: a room per called number, prefix "${rule.roomPrefix}"${rule.randomize ? ', randomized' : ''}${pin}`;
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
  compare(changes, 'metadata', current.metadata, MANAGED_METADATA);
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
export function planChanges(desired: DesiredState, current: CurrentState): Plan {
  const unmanaged: Unmanaged[] = [];
  const errors: string[] = [];
  const inbound = match('inbound', desired.inbound, current.inbound, unmanaged, errors);
  const outbound = match('outbound', desired.outbound, current.outbound, unmanaged, errors);
  const rules = match('rule', desired.rules, current.rules, unmanaged, errors);
  const trunkNames = new Map(current.inbound.map((trunk) => [trunk.id, trunk.name]));

  const actions: Action[] = [
    ...deletions('rule', rules.orphans),
    ...deletions('inbound', inbound.orphans),
    ...deletions('outbound', outbound.orphans),
    ...upserts('inbound', inbound.pairs, diffInbound),
    ...upserts('outbound', outbound.pairs, diffOutbound),
    ...upserts('rule', rules.pairs, (rule, spec) => diffRule(rule, spec, trunkNames)),
  ];
  return { actions, unmanaged, errors };
}
