// Objects on the server that this file does not manage (hand-made ones, or another file's) and
// that would take calls meant for the file's numbers. How livekit-server v1.13.5 routes an INVITE
// (github.com/livekit/protocol v1.50.5-0.20260728075222-28e604c046c6, sip/sip.go; the server's
// pkg/service/ioservice_sip.go calls it without any "allow conflicts" option):
//
// - Trunk (MatchTrunkDetailed, 509-600): a trunk whose allowedNumbers / allowedAddresses refuse the
//   caller is skipped; among the rest, a trunk listing the called number wins (numbers compared as
//   written or after NormalizeNumber: "+" added, spaces, dashes and brackets dropped). Two such
//   trunks: error "Multiple SIP Trunks matched", the call fails. None: the one trunk without
//   numbers is used (two: "Multiple default SIP Trunks matched"); none either: no trunk.
// - Dispatch rule (MatchDispatchRuleIter, 751-836): a rule limited to called `numbers` or caller
//   `inboundNumbers` that do not fit is skipped; a rule listing the trunk's ID always wins over a
//   rule without trunkIds (a catch-all), which is used only when no rule lists the trunk — or
//   when no trunk matched at all. Among several, DispatchRulePriority (67-111) ranks rules limited
//   to numbers first, then rules with a PIN, then direct, individual, callee. Two rules with the
//   same trunk, PIN and number limits make every call to that trunk fail (Validate, 201-245).
// - No rule at all: the server answers DROP (ioservice_sip.go:112-117, EvaluateSIPDispatchRules), which
//   livekit-sip v1.8.0 logs as "Rejecting inbound flood" (pkg/sip/inbound.go:849) and drops.
import type {
  CurrentState,
  DesiredState,
  DispatchRule,
  DispatchRuleSpec,
  InboundTrunk,
  RoomRule,
} from './model.js';

export interface Catch {
  readonly kind: 'inbound' | 'rule';
  readonly id: string;
  readonly name: string;
  /** The scope of the file that applied it; undefined: not created by this tool. */
  readonly scope?: string;
  /** The file's numbers whose calls it would take or break (empty: calls to other numbers). */
  readonly numbers: readonly string[];
  /** What it does to those calls, in an admin's words. */
  readonly effect: string;
  /** What to do about it. */
  readonly fix: string;
}

export interface CatchInput {
  readonly desired: DesiredState;
  readonly current: CurrentState;
  /** IDs of the server objects this file does not manage (plan.unmanaged), with their scopes. */
  readonly foreign: ReadonlyMap<string, string | undefined>;
  /** Server ID of each inbound trunk of the file that already exists, by name. */
  readonly trunkIds: ReadonlyMap<string, string>;
  /** Whether the refuse-unmatched guard exists on the server. */
  readonly guardExists: boolean;
  /** Whether apply would create it. */
  readonly guardPlanned: boolean;
}

/** livekit.NormalizeNumber (protocol livekit/sip.go:1165). */
export function normalizeNumber(number: string): string {
  if (!/^\+?[\d\- ()]+$/.test(number)) return number;
  const digits = number.replace(/[ \-()]/g, '');
  return digits.startsWith('+') ? digits : `+${digits}`;
}

const sameNumber = (a: string, b: string): boolean =>
  a === b || normalizeNumber(a) === normalizeNumber(b);

const names = (values: readonly string[]): string => values.map((v) => `"${v}"`).join(', ');
/** `our trunk "a" does` / `our trunks "a", "b" do`. */
const ourTrunks = (values: readonly string[], verb: [string, string]): string =>
  `our trunk${values.length === 1 ? '' : 's'} ${names(values)} ${verb[values.length === 1 ? 0 : 1]}`;
const numbersText = (values: readonly string[]): string => values.join(', ');
const unique = (values: readonly string[]): string[] => [...new Set(values)];

function deleteFix(id: string, scope: string | undefined, otherwise: string): string {
  const del = `delete it with \`npm run sip -- delete ${id}\``;
  return scope === undefined
    ? `${del} if nothing needs it, or ${otherwise}`
    : `${otherwise} in the file with scope "${scope}" and apply that file (or ${del})`;
}

/** The unmanaged objects that would take (or break) calls meant for the file's numbers. */
export function findCatches(input: CatchInput): Catch[] {
  const { desired, current, foreign } = input;
  const ours = desired.inbound;
  const ruled = new Set(desired.rules.flatMap((rule) => rule.trunks));
  const allowlisted = ours.filter(
    (trunk) => trunk.allowedAddresses.length > 0 || trunk.allowedNumbers.length > 0,
  );
  const foreignTrunks = current.inbound.filter((trunk) => foreign.has(trunk.id));
  const foreignRules = current.rules.filter((rule) => foreign.has(rule.id));
  const foreignDefault = foreignTrunks.some((trunk) => trunk.numbers.length === 0);
  // After apply, is there a trunk without numbers that refuses what no numbered trunk accepts?
  const guardAfter = input.guardExists || (input.guardPlanned && !foreignDefault);
  const catches: Catch[] = [];
  for (const trunk of foreignTrunks) {
    const found = trunkCatch(trunk, foreign.get(trunk.id), input, allowlisted, guardAfter);
    if (found !== undefined) catches.push(found);
  }
  for (const rule of foreignRules) {
    const found = ruleCatch(rule, foreign.get(rule.id), input, ruled, allowlisted, {
      noTrunkMeansIn: !guardAfter && !foreignDefault,
    });
    if (found !== undefined) catches.push(found);
  }
  return catches;
}

function trunkCatch(
  trunk: InboundTrunk,
  scope: string | undefined,
  input: CatchInput,
  allowlisted: CatchInput['desired']['inbound'],
  guardAfter: boolean,
): Catch | undefined {
  const base = { kind: 'inbound' as const, id: trunk.id, name: trunk.name, scope };
  if (trunk.numbers.length > 0) {
    const sharing = input.desired.inbound.filter((spec) =>
      spec.numbers.some((number) => trunk.numbers.some((other) => sameNumber(number, other))),
    );
    const shared = unique(
      sharing.flatMap((spec) =>
        spec.numbers.filter((number) => trunk.numbers.some((other) => sameNumber(number, other))),
      ),
    );
    if (shared.length === 0) return undefined;
    return {
      ...base,
      numbers: shared,
      effect: `it has ${numbersText(shared)} too, like our trunk ${names(sharing.map((spec) => spec.name))}: a call to ${shared.length === 1 ? 'it' : 'them'} that both trunks accept fails (LiveKit will not choose: "Multiple SIP Trunks matched"), and one that only this trunk accepts goes to it and its dispatch rules instead of ours`,
      fix: deleteFix(trunk.id, scope, 'take the number off it'),
    };
  }
  if (guardAfter || allowlisted.length === 0) return undefined;
  const numbers = unique(allowlisted.flatMap((spec) => spec.numbers));
  const blocksGuard = input.guardPlanned
    ? '; it also makes apply fail to create "refuse-unmatched" (LiveKit allows one trunk without numbers)'
    : '';
  return {
    ...base,
    numbers,
    effect: `it has no numbers, so it takes every call no numbered trunk accepts: a call to ${numbersText(numbers)} from an address or caller that ${ourTrunks(
      allowlisted.map((spec) => spec.name),
      ['does', 'do'],
    )} not allow goes to it (if its own allowlists let the call through) and on to its dispatch rules or a catch-all rule, instead of being refused${blocksGuard}`,
    fix: deleteFix(trunk.id, scope, 'give it its own numbers'),
  };
}

function ruleCatch(
  rule: DispatchRule,
  scope: string | undefined,
  input: CatchInput,
  ruled: ReadonlySet<string>,
  allowlisted: CatchInput['desired']['inbound'],
  options: { noTrunkMeansIn: boolean },
): Catch | undefined {
  const limited = rule.numbers ?? [];
  const applies = (number: string) =>
    limited.length === 0 || limited.some((other) => sameNumber(number, other));
  const caught: string[] = [];
  const effects: string[] = [];
  if (rule.trunkIds.length > 0) {
    for (const spec of input.desired.inbound) {
      const id = input.trunkIds.get(spec.name);
      if (id === undefined || !rule.trunkIds.includes(id)) continue;
      const numbers = spec.numbers.filter(applies);
      if (numbers.length === 0) continue;
      const rivals = input.desired.rules.filter((other) => other.trunks.includes(spec.name));
      const effect = rivalEffect(rule, spec.name, numbers, rivals);
      if (effect === undefined) continue;
      caught.push(...numbers);
      effects.push(effect);
    }
  } else {
    const unruled = input.desired.inbound.filter((spec) => !ruled.has(spec.name));
    const open = unique(unruled.flatMap((spec) => spec.numbers.filter(applies)));
    if (open.length > 0) {
      caught.push(...open);
      effects.push(
        `it names no trunk, so it takes every call that no rule naming the trunk takes: ${ourTrunks(
          unruled.map((spec) => spec.name),
          ['has', 'have'],
        )} no rule in this file, so every call to ${numbersText(open)} goes to it`,
      );
    }
    if (options.noTrunkMeansIn) {
      const refused = unique(allowlisted.flatMap((spec) => spec.numbers.filter(applies)));
      if (refused.length > 0) {
        caught.push(...refused);
        effects.push(
          `a call to ${numbersText(refused)} from an address or caller that ${ourTrunks(
            allowlisted.map((spec) => spec.name),
            ['does', 'do'],
          )} not allow matches no trunk, and this rule lets it in without any credentials`,
        );
      }
      if (limited.length === 0) {
        effects.push(
          `it ${effects.length > 0 ? 'also ' : ''}lets in, without any credentials, every call to a number no trunk has`,
        );
      }
    }
  }
  if (effects.length === 0) return undefined;
  const callers = (rule.inboundNumbers ?? []).length > 0 ? ' (only from the callers it lists)' : '';
  const pin = rule.rule !== undefined && rule.rule.pin !== '' ? ' (callers must type its PIN)' : '';
  return {
    kind: 'rule',
    id: rule.id,
    name: rule.name,
    scope,
    numbers: unique(caught),
    effect: `${effects.join('; ')}${callers}${pin}`,
    fix: deleteFix(
      rule.id,
      scope,
      rule.trunkIds.length > 0 ? 'take our trunk off it' : 'limit it to its own trunks',
    ),
  };
}

/**
 * DispatchRulePriority (sip.go:67-111), lower first: direct 0 / individual 1 / callee 2 with a
 * PIN, 100 / 101 / 102 without; +1000 without caller numbers, +1000 without called numbers.
 */
function priority(
  type: RoomRule['type'] | undefined,
  pin: string,
  numbers: readonly string[],
  inboundNumbers: readonly string[],
): number {
  if (type === undefined) return 2 ** 31 - 1;
  const base = { direct: 0, individual: 1, callee: 2 }[type] + (pin === '' ? 100 : 0);
  return base + (inboundNumbers.length === 0 ? 1000 : 0) + (numbers.length === 0 ? 1000 : 0);
}

/** What a foreign rule listing our trunk does next to our rules for it; undefined: nothing. */
function rivalEffect(
  rule: DispatchRule,
  trunk: string,
  numbers: readonly string[],
  rivals: readonly DispatchRuleSpec[],
): string | undefined {
  const calls = `every call to ${numbersText(numbers)}`;
  if (rivals.length === 0) {
    return `it lists our trunk "${trunk}", which no rule of this file names, so it takes ${calls}`;
  }
  const limits = (rule.numbers ?? []).length + (rule.inboundNumbers ?? []).length;
  const pin = rule.rule?.pin ?? '';
  const clash = rivals.find(
    (other) => limits === 0 && rule.rule !== undefined && other.rule.pin === pin,
  );
  if (clash !== undefined) {
    return `it lists our trunk "${trunk}" with the same PIN as our rule "${clash.name}", so LiveKit refuses ${calls} ("Dispatch rule for the same trunk, inbound number, number, and PIN combination already exists")`;
  }
  // Our rules are written without number limits, and "individual" as LiveKit's callee rule.
  const ours = Math.min(
    ...rivals.map((other) =>
      priority(other.rule.type === 'direct' ? 'direct' : 'callee', other.rule.pin, [], []),
    ),
  );
  const theirs = priority(rule.rule?.type, pin, rule.numbers ?? [], rule.inboundNumbers ?? []);
  if (theirs > ours) return undefined;
  const how =
    theirs < ours
      ? 'LiveKit ranks it above our rule'
      : 'LiveKit ranks it equal to our rule and picks by room name, possibly it, for';
  return `it lists our trunk "${trunk}" too, and ${how} ${names(rivals.map((other) => other.name))} (rules limited to particular numbers first, then rules with a PIN, then direct before callee), so it takes ${calls}`;
}
