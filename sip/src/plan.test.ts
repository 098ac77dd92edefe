import { describe, expect, it } from 'vitest';
import { GUARD_METADATA, GUARD_NAME } from './guard.js';
import {
  MANAGED_METADATA,
  managedMetadata,
  ruleAttributesFor,
  type CurrentState,
  type DesiredState,
  type DispatchRule,
  type InboundTrunk,
  type InboundTrunkSpec,
  type OutboundTrunk,
  type OutboundTrunkSpec,
} from './model.js';
import { hasChanges, planChanges, summarize } from './plan.js';

const HAND_MADE = '';

const inboundSpec: InboundTrunkSpec = {
  name: 'dev-inbound',
  numbers: ['+15550100'],
  allowedAddresses: [],
  allowedNumbers: [],
  auth: { username: 'devcaller', password: 'secret-1' },
  krisp: false,
  mediaEncryption: 'disable',
  callerIdTrust: 'any',
};
const outboundSpec: OutboundTrunkSpec = {
  name: 'dev-transfer',
  address: '127.0.0.1:5070',
  transport: 'udp',
  mediaEncryption: 'disable',
  numbers: ['+15550100'],
  auth: undefined,
};
const desired: DesiredState = {
  inbound: [inboundSpec],
  outbound: [outboundSpec],
  rules: [
    {
      name: 'dev-agent',
      rule: { type: 'individual', roomPrefix: 'call-', pin: '' },
      trunks: ['dev-inbound'],
      agentName: 'ecommerce-support',
      callerIdTrust: 'any',
    },
  ],
};

const inbound = (overrides: Partial<InboundTrunk> = {}): InboundTrunk => ({
  id: 'ST_in',
  metadata: MANAGED_METADATA,
  ...inboundSpec,
  ...overrides,
});
const outbound = (overrides: Partial<OutboundTrunk> = {}): OutboundTrunk => ({
  id: 'ST_out',
  metadata: MANAGED_METADATA,
  ...outboundSpec,
  ...overrides,
});
const rule = (overrides: Partial<DispatchRule> = {}): DispatchRule => ({
  id: 'SDR_rule',
  name: 'dev-agent',
  metadata: MANAGED_METADATA,
  rule: { type: 'individual', roomPrefix: 'call-', pin: '' },
  trunkIds: ['ST_in'],
  agentNames: ['ecommerce-support'],
  attributes: ruleAttributesFor('any'),
  ...overrides,
});
const inSync = (): CurrentState => ({
  inbound: [inbound()],
  outbound: [outbound()],
  rules: [rule()],
});

const ops = (state: CurrentState, wanted: DesiredState = desired) =>
  planChanges(wanted, state).actions.map((action) => `${action.op} ${action.kind} ${action.name}`);

describe('planChanges', () => {
  it('creates everything on an empty server, trunks before rules', () => {
    const plan = planChanges(desired, { inbound: [], outbound: [], rules: [] });
    expect(plan.actions.map((action) => `${action.op} ${action.kind} ${action.name}`)).toEqual([
      'create inbound dev-inbound',
      'create outbound dev-transfer',
      'create rule dev-agent',
    ]);
    expect(summarize(plan)).toEqual({ create: 3, update: 0, delete: 0, unchanged: 0 });
    expect(plan.errors).toEqual([]);
  });

  it('changes nothing when the server matches (list order does not matter)', () => {
    const state = inSync();
    const plan = planChanges(
      { ...desired, inbound: [{ ...inboundSpec, numbers: ['+15550101', '+15550100'] }] },
      { ...state, inbound: [inbound({ numbers: ['+15550100', '+15550101'] })] },
    );
    expect(hasChanges(plan)).toBe(false);
    expect(summarize(plan)).toEqual({ create: 0, update: 0, delete: 0, unchanged: 3 });
  });

  it('updates a changed field in place and lists what changed', () => {
    const plan = planChanges(desired, {
      ...inSync(),
      inbound: [
        inbound({ numbers: ['+15550199'], auth: { username: 'devcaller', password: 'old' } }),
      ],
    });
    const update = plan.actions.find((action) => action.op === 'update');
    expect(update).toMatchObject({ kind: 'inbound', name: 'dev-inbound' });
    expect(update?.op === 'update' && update.changes).toEqual([
      { field: 'numbers', before: '+15550199', after: '+15550100', secret: false },
      { field: 'auth.password', before: 'old', after: 'secret-1', secret: true },
    ]);
  });

  it('sees changes to outbound trunks and rules', () => {
    const plan = planChanges(desired, {
      inbound: [inbound()],
      outbound: [outbound({ transport: 'tcp', address: '10.0.0.1' })],
      rules: [rule({ rule: { type: 'individual', roomPrefix: 'old-', pin: '' }, agentNames: [] })],
    });
    const changes = plan.actions.flatMap((action) =>
      action.op === 'update'
        ? action.changes.map((change) => `${action.kind} ${change.field}`)
        : [],
    );
    expect(changes).toEqual([
      'outbound address',
      'outbound transport',
      'rule roomPrefix',
      'rule agents',
    ]);
  });

  it('updates both kinds of trunk in place when their SRTP setting changes', () => {
    const plan = planChanges(
      {
        ...desired,
        inbound: [{ ...inboundSpec, mediaEncryption: 'require' }],
        outbound: [{ ...outboundSpec, mediaEncryption: 'allow' }],
      },
      inSync(),
    );
    expect(
      plan.actions.flatMap((action) => (action.op === 'update' ? action.changes : [])),
    ).toEqual([
      { field: 'mediaEncryption', before: 'disable', after: 'require', secret: false },
      { field: 'mediaEncryption', before: 'disable', after: 'allow', secret: false },
    ]);
  });

  it("updates the trunk's header mapping and the rule's attribute when callerIdTrust changes", () => {
    const attested: DesiredState = {
      ...desired,
      inbound: [{ ...inboundSpec, callerIdTrust: 'attested' }],
      rules: desired.rules.map((rule) => ({ ...rule, callerIdTrust: 'attested' as const })),
    };
    const plan = planChanges(attested, inSync());
    const changes = plan.actions.flatMap((action) =>
      action.op === 'update'
        ? action.changes.map((change) => `${action.kind} ${change.field}`)
        : [],
    );
    expect(changes).toEqual(['inbound headersToAttributes', 'rule attributes']);
    const trunk = plan.actions.find((action) => action.kind === 'inbound');
    expect(trunk?.op === 'update' && trunk.changes[0]?.after).toContain(
      'X-Twilio-VerStat → voicebot.caller_id.x_twilio_verstat',
    );
    const ruleUpdate = plan.actions.find((action) => action.kind === 'rule');
    expect(ruleUpdate?.op === 'update' && ruleUpdate.changes[0]).toMatchObject({
      before: 'voicebot.caller_id.trust → any',
      after: 'voicebot.caller_id.trust → attested',
    });
    // A rule written before caller ID policies existed has no attribute (the agent trusts no one).
    expect(ops({ ...inSync(), rules: [rule({ attributes: {} })] })).toContain(
      'update rule dev-agent',
    );
  });

  it('compares a rule by trunk names, so a new trunk means a rule update', () => {
    const wanted: DesiredState = {
      ...desired,
      inbound: [inboundSpec, { ...inboundSpec, name: 'second', numbers: ['+15550102'] }],
      rules: [{ ...desired.rules[0]!, trunks: ['dev-inbound', 'second'] }],
    };
    const plan = planChanges(wanted, inSync());
    expect(plan.actions.map((action) => `${action.op} ${action.kind} ${action.name}`)).toEqual([
      'noop inbound dev-inbound',
      'create inbound second',
      'noop outbound dev-transfer',
      'update rule dev-agent',
    ]);
    const update = plan.actions.at(-1);
    expect(update?.op === 'update' && update.changes).toEqual([
      { field: 'trunks', before: 'dev-inbound', after: 'dev-inbound, second', secret: false },
    ]);
  });

  it('deletes managed objects no longer in the file, rules first', () => {
    const plan = planChanges({ inbound: [], outbound: [], rules: [] }, inSync());
    expect(plan.actions.map((action) => `${action.op} ${action.kind} ${action.name}`)).toEqual([
      'delete rule dev-agent',
      'delete inbound dev-inbound',
      'delete outbound dev-transfer',
    ]);
  });

  it('never touches objects without the marker, and reports them', () => {
    const state: CurrentState = {
      inbound: [inbound(), inbound({ id: 'ST_hand', name: 'hand-made', metadata: HAND_MADE })],
      outbound: [outbound(), outbound({ id: 'ST_other', name: 'x', metadata: '{"owner":"ops"}' })],
      rules: [rule(), rule({ id: 'SDR_hand', name: 'hand-rule', metadata: 'not json' })],
    };
    const plan = planChanges(desired, state);
    expect(hasChanges(plan)).toBe(false);
    expect(plan.unmanaged).toEqual([
      { kind: 'inbound', id: 'ST_hand', name: 'hand-made' },
      { kind: 'outbound', id: 'ST_other', name: 'x' },
      { kind: 'rule', id: 'SDR_hand', name: 'hand-rule' },
    ]);
    expect(ops(state, { inbound: [], outbound: [], rules: [] })).toEqual([
      'delete rule dev-agent',
      'delete inbound dev-inbound',
      'delete outbound dev-transfer',
    ]);
  });

  it('refuses to take over an unmanaged object with a name from the file', () => {
    const plan = planChanges(desired, {
      ...inSync(),
      inbound: [inbound({ id: 'ST_hand', metadata: HAND_MADE })],
    });
    expect(plan.errors).toEqual([
      expect.stringContaining(
        'inbound trunk "dev-inbound" exists on the server (ST_hand) but was not created by this tool',
      ),
    ]);
  });

  it('reports two managed objects with the same name', () => {
    const plan = planChanges(desired, {
      ...inSync(),
      outbound: [outbound(), outbound({ id: 'ST_out2' })],
    });
    expect(plan.errors).toEqual([
      expect.stringContaining(
        '2 managed outbound trunks are named "dev-transfer" on the server (ST_out, ST_out2)',
      ),
    ]);
  });

  it('updates an object whose marker metadata differs in form', () => {
    const plan = planChanges(desired, {
      ...inSync(),
      rules: [rule({ metadata: '{"managed_by":"ecommerce-voicebot","note":"x"}' })],
    });
    expect(plan.actions.at(-1)).toMatchObject({ op: 'update', changes: [{ field: 'metadata' }] });
  });
});

describe('planChanges with scopes (one per file)', () => {
  const act = (plan: ReturnType<typeof planChanges>) =>
    plan.actions.map((action) => `${action.op} ${action.kind} ${action.name}`);
  const none: DesiredState = { inbound: [], outbound: [], rules: [] };
  const dev = managedMetadata('dev');
  const carrierTrunk = (metadata: string) =>
    inbound({ id: 'ST_carrier', name: 'carrier-in', numbers: ['+14155550123'], metadata });

  it('never changes or deletes what another file applied, and reports it', () => {
    const state: CurrentState = {
      inbound: [inbound({ metadata: dev }), carrierTrunk(managedMetadata('carrier'))],
      outbound: [outbound({ metadata: dev })],
      rules: [rule({ metadata: dev })],
    };
    const plan = planChanges(desired, state, 'dev');
    expect(act(plan)).toEqual([
      'noop inbound dev-inbound',
      'noop outbound dev-transfer',
      'noop rule dev-agent',
    ]);
    expect(plan.unmanaged).toEqual([
      { kind: 'inbound', id: 'ST_carrier', name: 'carrier-in', scope: 'carrier' },
    ]);
    // A file that lists nothing deletes its own objects, never the other file's.
    expect(act(planChanges(none, state, 'dev'))).toEqual([
      'delete rule dev-agent',
      'delete inbound dev-inbound',
      'delete outbound dev-transfer',
    ]);
  });

  it('takes over by name what was applied before scopes, and leaves the rest of it alone', () => {
    // Both applied by an older version (the unscoped marker): the dev file and a carrier file.
    const state: CurrentState = {
      ...inSync(),
      inbound: [inbound(), carrierTrunk(MANAGED_METADATA)],
    };
    const plan = planChanges(desired, state, 'dev');
    expect(act(plan)).toEqual([
      'update inbound dev-inbound',
      'update outbound dev-transfer',
      'update rule dev-agent',
    ]);
    expect(plan.actions[0]).toMatchObject({ changes: [{ field: 'metadata', after: dev }] });
    expect(plan.unmanaged).toEqual([
      { kind: 'inbound', id: 'ST_carrier', name: 'carrier-in', scope: 'default' },
    ]);
  });

  it('refuses a name that another file holds', () => {
    const state: CurrentState = {
      ...inSync(),
      inbound: [inbound({ metadata: managedMetadata('carrier') })],
    };
    expect(planChanges(desired, state, 'dev').errors).toEqual([
      expect.stringContaining(
        'inbound trunk "dev-inbound" exists on the server (ST_in) but belongs to another file (scope "carrier")',
      ),
    ]);
  });
});

describe('the guard trunk that refuses unmatched calls', () => {
  const allowlisted: DesiredState = {
    ...desired,
    inbound: [{ ...inboundSpec, auth: undefined, allowedAddresses: ['198.51.100.10/32'] }],
  };

  it('is created once a file relies on an allowlist, with no numbers and random credentials', () => {
    const plan = planChanges(allowlisted, { inbound: [], outbound: [], rules: [] });
    const created = plan.actions.filter((action) => action.name === GUARD_NAME);
    expect(created).toEqual([
      {
        op: 'create',
        kind: 'inbound',
        name: GUARD_NAME,
        spec: expect.objectContaining({ numbers: [], allowedAddresses: [] }),
      },
    ]);
    const spec = (created[0] as { spec: InboundTrunkSpec }).spec;
    expect(spec.auth?.password).toMatch(/^[\w-]{40,}$/);
    expect(
      planChanges(desired, { inbound: [], outbound: [], rules: [] }).actions,
    ).not.toContainEqual(expect.objectContaining({ name: GUARD_NAME }));
  });

  it('is never deleted, reported or created twice', () => {
    const guard = inbound({
      id: 'ST_guard',
      name: GUARD_NAME,
      numbers: [],
      metadata: GUARD_METADATA,
    });
    const state: CurrentState = { ...inSync(), inbound: [inbound(), guard] };
    const plan = planChanges({ inbound: [], outbound: [], rules: [] }, state);
    expect(plan.actions.map((action) => action.name)).not.toContain(GUARD_NAME);
    expect(plan.unmanaged).toEqual([]);
    expect(planChanges(allowlisted, state).actions.map((action) => action.name)).not.toContain(
      GUARD_NAME,
    );
  });
});

describe('unmanaged objects that would catch calls meant for our numbers', () => {
  const guard = inbound({
    id: 'ST_guard',
    name: GUARD_NAME,
    numbers: [],
    metadata: GUARD_METADATA,
  });
  const allowlisted: DesiredState = {
    ...desired,
    inbound: [{ ...inboundSpec, auth: undefined, allowedAddresses: ['198.51.100.10/32'] }],
  };
  const catchAll = rule({ id: 'SDR_any', name: 'catch-all', metadata: HAND_MADE, trunkIds: [] });
  const catches = (wanted: DesiredState, state: CurrentState, scope?: string) =>
    planChanges(wanted, state, scope).catches ?? [];

  it('warns about a hand-made catch-all rule that takes calls our trunk refuses', () => {
    // Callers outside allowedNumbers match no trunk (no guard: allowedNumbers alone does not
    // create one), and a rule without trunks is the one LiveKit uses when no trunk matched.
    const callersOnly: DesiredState = {
      ...desired,
      inbound: [{ ...inboundSpec, allowedNumbers: ['+15550111'] }],
    };
    const state: CurrentState = { ...inSync(), rules: [rule(), catchAll] };
    expect(catches(callersOnly, state)).toEqual([
      expect.objectContaining({
        kind: 'rule',
        id: 'SDR_any',
        name: 'catch-all',
        scope: undefined,
        numbers: ['+15550100'],
        effect: expect.stringContaining('lets it in without any credentials'),
        fix: expect.stringContaining('`npm run sip -- delete SDR_any`'),
      }),
    ]);
  });

  it('warns about a catch-all rule when a trunk of the file has no rule', () => {
    const state: CurrentState = { ...inSync(), inbound: [inbound(), guard], rules: [catchAll] };
    const noRule: DesiredState = { ...allowlisted, rules: [] };
    expect(catches(noRule, state)).toEqual([
      expect.objectContaining({ name: 'catch-all', numbers: ['+15550100'] }),
    ]);
  });

  it('does not blame a catch-all rule for our numbers when our rule and the guard take them', () => {
    const state: CurrentState = {
      ...inSync(),
      inbound: [inbound(), guard],
      rules: [rule(), catchAll],
    };
    expect(catches(allowlisted, state)).toEqual([]);
  });

  it('warns about a hand-made trunk that has one of our numbers (as LiveKit normalizes it)', () => {
    const pbx = inbound({
      id: 'ST_pbx',
      name: 'office-pbx',
      metadata: HAND_MADE,
      numbers: ['1 (555) 0100'],
    });
    const found = catches(desired, { ...inSync(), inbound: [inbound(), pbx] });
    expect(found).toEqual([
      expect.objectContaining({ kind: 'inbound', id: 'ST_pbx', numbers: ['+15550100'] }),
    ]);
    expect(found[0]?.effect).toContain('Multiple SIP Trunks matched');
  });

  it('warns about a hand-made trunk without numbers only when it takes calls our allowlist refuses', () => {
    const any = inbound({ id: 'ST_any', name: 'any-number', metadata: HAND_MADE, numbers: [] });
    expect(catches(allowlisted, { ...inSync(), inbound: [inbound(), any] })).toEqual([
      expect.objectContaining({ id: 'ST_any', numbers: ['+15550100'] }),
    ]);
    // Without an allowlist our trunk takes every call to its number; with the guard in place two
    // number-less trunks make LiveKit refuse such calls instead of routing them.
    expect(catches(desired, { ...inSync(), inbound: [inbound(), any] })).toEqual([]);
    expect(catches(allowlisted, { ...inSync(), inbound: [inbound(), guard, any] })).toEqual([]);
  });

  it('warns about a rule that lists one of our trunks next to our own rule', () => {
    const rival = rule({ id: 'SDR_rival', name: 'rival', metadata: HAND_MADE });
    expect(catches(desired, { ...inSync(), rules: [rule(), rival] })).toEqual([
      expect.objectContaining({
        id: 'SDR_rival',
        numbers: ['+15550100'],
        effect: expect.stringContaining('with the same PIN as our rule "dev-agent"'),
      }),
    ]);
    // A PIN ranks a rule above one without; a rule below ours never gets a call.
    const pinned = rule({ ...rival, rule: { type: 'individual', roomPrefix: 'x-', pin: '1234' } });
    expect(catches(desired, { ...inSync(), rules: [rule(), pinned] })).toEqual([
      expect.objectContaining({
        id: 'SDR_rival',
        effect: expect.stringContaining('LiveKit ranks it above our rule "dev-agent"'),
      }),
    ]);
    const ourPin: DesiredState = {
      ...desired,
      rules: desired.rules.map((spec) => ({ ...spec, rule: { ...spec.rule, pin: '1111' } })),
    };
    expect(catches(ourPin, { ...inSync(), rules: [rule(), rival] })).toEqual([]);
    const elsewhere = rule({ ...rival, numbers: ['+15550199'] });
    expect(catches(desired, { ...inSync(), rules: [rule(), elsewhere] })).toEqual([]);
  });

  it("never warns about another file's objects for other numbers, nor about the guard", () => {
    const carrier = managedMetadata('carrier');
    const state: CurrentState = {
      inbound: [
        inbound({ metadata: managedMetadata('dev') }),
        inbound({
          id: 'ST_carrier',
          name: 'carrier-in',
          metadata: carrier,
          numbers: ['+15550199'],
        }),
        guard,
      ],
      outbound: [outbound({ metadata: managedMetadata('dev') })],
      rules: [
        rule({ metadata: managedMetadata('dev') }),
        rule({
          id: 'SDR_carrier',
          name: 'carrier-agent',
          metadata: carrier,
          trunkIds: ['ST_carrier'],
        }),
      ],
    };
    const plan = planChanges(allowlisted, state, 'dev');
    expect(plan.unmanaged.map((item) => item.id)).toEqual(['ST_carrier', 'SDR_carrier']);
    expect(plan.catches).toEqual([]);
  });
});
