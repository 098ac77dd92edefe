import { describe, expect, it } from 'vitest';
import type { Applied } from './apply.js';
import {
  MASK,
  formatApplied,
  formatList,
  formatPlan,
  maskSecret,
  redact,
  redactingOutput,
  type Output,
} from './format.js';
import { GUARD_METADATA } from './guard.js';
import {
  MANAGED_METADATA,
  managedMetadata,
  type CurrentState,
  type DesiredState,
  type SipAdminClient,
} from './model.js';
import { planChanges } from './plan.js';
import { createFakeSipClient } from './testing/fake-sip-client.js';

const PASSWORD = 'inbound-password-1';
const OUT_PASSWORD = 'outbound-password-2';
const target = { file: 'sip/trunks.yaml', server: 'http://127.0.0.1:7880' };

const desired: DesiredState = {
  inbound: [
    {
      name: 'dev-inbound',
      numbers: ['+15550100'],
      allowedAddresses: ['203.0.113.0/24'],
      allowedNumbers: [],
      auth: { username: 'devcaller', password: PASSWORD },
      krisp: true,
      mediaEncryption: 'disable' as const,
      callerIdTrust: 'attested',
    },
  ],
  outbound: [
    {
      name: 'carrier',
      address: 'sip.example.com',
      transport: 'tls',
      mediaEncryption: 'require' as const,
      numbers: ['+15550100'],
      auth: { username: 'out', password: OUT_PASSWORD },
    },
  ],
  rules: [
    {
      name: 'desk',
      rule: { type: 'direct', roomName: 'front-desk', pin: '4321' },
      trunks: ['dev-inbound'],
      agentName: 'ecommerce-support',
      callerIdTrust: 'attested',
    },
  ],
};

const server: CurrentState = {
  inbound: [
    {
      id: 'ST_in',
      name: 'dev-inbound',
      metadata: MANAGED_METADATA,
      numbers: ['+15550100'],
      allowedAddresses: [],
      allowedNumbers: ['+15550111'],
      auth: { username: 'devcaller', password: 'old-password-0' },
      krisp: false,
      mediaEncryption: 'disable' as const,
    },
    {
      id: 'ST_hand',
      name: 'hand-made',
      metadata: '',
      numbers: ['+15550199'],
      allowedAddresses: [],
      allowedNumbers: [],
      auth: { username: 'ops', password: 'hand-password-9' },
      krisp: false,
      mediaEncryption: 'disable' as const,
    },
  ],
  outbound: [],
  rules: [
    {
      id: 'SDR_old',
      name: 'old-rule',
      metadata: MANAGED_METADATA,
      rule: { type: 'individual', roomPrefix: 'call-', pin: '9876' },
      trunkIds: ['ST_in'],
      agentNames: ['ecommerce-support'],
    },
  ],
};

const SECRETS = [PASSWORD, OUT_PASSWORD, 'old-password-0', 'hand-password-9', '4321', '9876'];
const expectNoSecrets = (text: string) => {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
};

describe('masking', () => {
  it('shows only whether a secret is set', () => {
    expect(maskSecret('x')).toBe(MASK);
    expect(maskSecret('')).toBe('(none)');
    expect(maskSecret(undefined)).toBe('(none)');
  });

  it('redacts known secrets of 4+ characters, longest first', () => {
    expect(redact('a hunter2 b hunter22 c', ['hunter2', 'hunter22', 'abc'])).toBe('a *** b *** c');
    expect(redact('x', [''])).toBe('x');
  });

  it('redacts every line an output writes, including secrets learned later', () => {
    const lines: string[] = [];
    const sink: Output = { out: (line) => lines.push(line), err: (line) => lines.push(line) };
    const output = redactingOutput(sink, ['first-secret']);
    output.out('first-secret and second-secret');
    output.addSecrets(['second-secret']);
    output.err('first-secret and second-secret');
    expect(lines).toEqual(['*** and second-secret', '*** and ***']);
  });
});

describe('formatPlan', () => {
  it('lists creates, updates and deletes with passwords and PINs masked', () => {
    const text = formatPlan(planChanges(desired, server), target).join('\n');
    expectNoSecrets(text);
    expect(text).toContain('  ~ update inbound trunk "dev-inbound" (ST_in) in place');
    expect(text).toContain('      allowedAddresses: (none) → 203.0.113.0/24');
    expect(text).toContain('      auth.password: *** → *** (changed)');
    expect(text).toContain('  + create outbound trunk "carrier"');
    expect(text).toContain('      auth: out / ***');
    expect(text).toContain('      address: sip.example.com (tls)');
    expect(text).toContain('      media encryption (SRTP): require');
    expect(text).toContain('      direct: every call into room "front-desk", with a PIN');
    expect(text).toContain(
      '  - delete dispatch rule "old-rule" (SDR_old): created by this tool, no longer in the file',
    );
    expect(text).toContain('  inbound trunk "hand-made" (ST_hand)');
    // The file now has an allowlist: the guard that refuses other calls at once comes with it.
    expect(text).toContain('  + create inbound trunk "refuse-unmatched"');
    expect(text).toContain('3 to create, 1 to update, 1 to delete, 0 unchanged.');
    expect(text).not.toContain('Firewall needed');
    const addressOnly = {
      ...desired,
      inbound: desired.inbound.map((trunk) => ({ ...trunk, auth: undefined })),
    };
    expect(formatPlan(planChanges(addressOnly, server), target).join('\n')).toContain(
      'Firewall needed: "dev-inbound" accepts calls by source address alone',
    );
  });

  it('says when there is nothing to do', () => {
    const lines = formatPlan({ actions: [], unmanaged: [], errors: [] }, target);
    expect(lines.at(-1)).toBe('No changes: the server already matches sip/trunks.yaml.');
  });

  it('shows why a plan cannot be applied', () => {
    const lines = formatPlan({ actions: [], unmanaged: [], errors: ['clash'] }, target);
    expect(lines.slice(-2)).toEqual(['The plan cannot be applied:', '  clash']);
  });
});

describe('formatList', () => {
  it('shows every object, marks the managed ones, masks passwords and PINs', () => {
    const text = formatList(server, target.server).join('\n');
    expectNoSecrets(text);
    expect(text).toContain('  ST_in  dev-inbound  [managed]');
    expect(text).toContain('      auth: devcaller / ***');
    expect(text).toContain('  ST_hand  hand-made  [not managed: apply never touches it]');
    expect(text).toContain('      trunks: dev-inbound (ST_in)');
    expect(text).toContain('      pin: ***');
    expect(text).toContain('Outbound trunks (0):');
  });

  it("shows each rule's caller ID policy and each trunk's mapped headers", () => {
    const text = formatList(
      {
        ...server,
        inbound: [
          {
            ...server.inbound[0]!,
            headersToAttributes: { 'X-Twilio-VerStat': 'voicebot.caller_id.x_twilio_verstat' },
          },
        ],
        rules: [
          { ...server.rules[0]!, attributes: { 'voicebot.caller_id.trust': 'attested' } },
          { ...server.rules[0]!, id: 'SDR_hand', metadata: '', attributes: {} },
        ],
      },
      target.server,
    ).join('\n');
    expect(text).toContain('      headers to attributes: X-Twilio-VerStat');
    expect(text).toContain('      caller ID trust: attested');
    expect(text).toContain('      caller ID trust: (not set: no caller is trusted)');
  });
});

describe('formatApplied', () => {
  const step = (outcome: Applied['outcome'], note?: string): Applied => ({
    outcome,
    kind: 'inbound',
    name: 'dev-inbound',
    id: 'ST_in',
    changes: [{ field: 'numbers', before: 'a', after: 'b', secret: false }],
    note,
  });

  it('says so when nothing changed', () => {
    expect(formatApplied([step('unchanged'), step('unchanged')], target)).toEqual([
      'No changes: the server already matches sip/trunks.yaml (2 objects unchanged).',
    ]);
  });

  it('lists what was done and explains a delete + create', () => {
    expect(formatApplied([step('updated'), step('replaced', 'no update API')], target)).toEqual([
      'Applied sip/trunks.yaml to http://127.0.0.1:7880:',
      '  ~ updated inbound trunk "dev-inbound" (ST_in) in place: numbers',
      '  ~ replaced inbound trunk "dev-inbound" (ST_in)',
      '      (no update API)',
      'Done: 0 created, 2 updated, 0 deleted, 0 unchanged.',
    ]);
  });
});

describe('formatPlan: objects that would catch calls meant for our numbers', () => {
  const ours: DesiredState = {
    inbound: [
      {
        name: 'carrier-in',
        numbers: ['+15550100'],
        allowedAddresses: [],
        allowedNumbers: ['+15550111'],
        auth: { username: 'carrier', password: PASSWORD },
        krisp: false,
        mediaEncryption: 'disable' as const,
        callerIdTrust: 'attested',
      },
    ],
    outbound: [],
    rules: [
      {
        name: 'carrier-agent',
        rule: { type: 'callee', roomPrefix: 'call-', pin: '', randomize: true },
        trunks: ['carrier-in'],
        agentName: 'ecommerce-support',
        callerIdTrust: 'attested',
      },
    ],
  };
  const scope = managedMetadata('prod');
  const trunk = {
    numbers: ['+15550100'],
    allowedAddresses: [],
    allowedNumbers: ['+15550111'],
    auth: { username: 'carrier', password: PASSWORD },
    krisp: false,
    mediaEncryption: 'disable' as const,
  };
  const ourTrunk = { id: 'ST_ours', name: 'carrier-in', metadata: scope, ...trunk };
  const ourRule = {
    id: 'SDR_ours',
    name: 'carrier-agent',
    metadata: scope,
    rule: { type: 'callee' as const, roomPrefix: 'call-', pin: '', randomize: true },
    trunkIds: ['ST_ours'],
    agentNames: ['ecommerce-support'],
  };
  const planOn = async (client: SipAdminClient, wanted = ours) => {
    const current: CurrentState = {
      inbound: await client.listInboundTrunks(),
      outbound: await client.listOutboundTrunks(),
      rules: await client.listDispatchRules(),
    };
    return formatPlan(planChanges(wanted, current, 'prod'), target).join('\n');
  };

  it('names a hand-made catch-all rule and a trunk with our number, and says what to do', async () => {
    const client = createFakeSipClient({
      inbound: [
        ourTrunk,
        { ...ourTrunk, id: 'ST_pbx', name: 'office-pbx', metadata: '', allowedNumbers: [] },
        // Another file's trunk and rule for another number: not ours to worry about.
        {
          ...ourTrunk,
          id: 'ST_other',
          name: 'other-in',
          metadata: managedMetadata('other'),
          numbers: ['+15550199'],
        },
      ],
      rules: [
        ourRule,
        { ...ourRule, id: 'SDR_any', name: 'catch-all', metadata: '', trunkIds: [] },
        {
          ...ourRule,
          id: 'SDR_other',
          name: 'other-agent',
          metadata: managedMetadata('other'),
          trunkIds: ['ST_other'],
        },
      ],
    });
    const text = await planOn(client);
    expectNoSecrets(text);
    expect(text).toContain(
      'Warning: objects this file does not manage would catch calls (sip/README.md, "Objects that catch our calls"):',
    );
    expect(text).toContain(
      '  ! dispatch rule "catch-all" (SDR_any), not created by this tool, catches our number +15550100:',
    );
    expect(text).toContain('this rule lets it in without any credentials');
    expect(text).toContain(
      'What to do: delete it with `npm run sip -- delete SDR_any` if nothing needs it',
    );
    expect(text).toContain(
      '  ! inbound trunk "office-pbx" (ST_pbx), not created by this tool, catches our number +15550100:',
    );
    expect(text).toContain('What to do: delete it with `npm run sip -- delete ST_pbx`');
    expect(text).not.toContain('! inbound trunk "other-in"');
    expect(text).not.toContain('! dispatch rule "other-agent"');
  });

  it('says nothing about the guard trunk, nor about another file for other numbers', async () => {
    const allowlisted = {
      ...ours,
      inbound: ours.inbound.map((spec) => ({ ...spec, allowedAddresses: ['198.51.100.10/32'] })),
    };
    const client = createFakeSipClient({
      inbound: [
        { ...ourTrunk, allowedAddresses: ['198.51.100.10/32'] },
        {
          ...ourTrunk,
          id: 'ST_guard',
          name: 'refuse-unmatched',
          metadata: GUARD_METADATA,
          numbers: [],
          allowedNumbers: [],
        },
        {
          ...ourTrunk,
          id: 'ST_other',
          name: 'other-in',
          metadata: managedMetadata('other'),
          numbers: ['+15550199'],
        },
      ],
      rules: [
        ourRule,
        {
          ...ourRule,
          id: 'SDR_other',
          name: 'other-agent',
          metadata: managedMetadata('other'),
          trunkIds: ['ST_other'],
        },
      ],
    });
    const text = await planOn(client, allowlisted);
    expect(text).toContain('inbound trunk "other-in" (ST_other): scope "other"');
    expect(text).not.toContain('Warning:');
    expect(text).not.toContain('No dispatch rule');
  });

  it('says when a trunk of the file has no rule, so its calls are dropped as a flood', async () => {
    const text = await planOn(createFakeSipClient({ inbound: [ourTrunk] }), { ...ours, rules: [] });
    expect(text).toContain(
      'No dispatch rule: calls to +15550100 reach trunk "carrier-in", which no rule of this file names;',
    );
    expect(text).toContain('logs them as a "flood"');
  });
});
