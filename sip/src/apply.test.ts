import { describe, expect, it } from 'vitest';
import { ApplyError, applyPlan } from './apply.js';
import { GUARD_METADATA, GUARD_NAME } from './guard.js';
import {
  MANAGED_METADATA,
  managedMetadata,
  type CurrentState,
  type DesiredState,
  type SipAdminClient,
} from './model.js';
import { planChanges } from './plan.js';
import { createFakeSipClient } from './testing/fake-sip-client.js';

const desired: DesiredState = {
  inbound: [
    {
      name: 'dev-inbound',
      numbers: ['+15550100'],
      allowedAddresses: [],
      allowedNumbers: [],
      auth: { username: 'devcaller', password: 'secret-1' },
      krisp: false,
      mediaEncryption: 'disable',
      callerIdTrust: 'any',
    },
  ],
  outbound: [
    {
      name: 'dev-transfer',
      address: '127.0.0.1:5070',
      transport: 'udp',
      mediaEncryption: 'disable',
      numbers: ['+15550100'],
      auth: undefined,
    },
  ],
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

async function current(client: SipAdminClient): Promise<CurrentState> {
  return {
    inbound: await client.listInboundTrunks(),
    outbound: await client.listOutboundTrunks(),
    rules: await client.listDispatchRules(),
  };
}

async function sync(client: SipAdminClient, wanted: DesiredState = desired) {
  return applyPlan(planChanges(wanted, await current(client)), client);
}

describe('applyPlan', () => {
  it('creates trunks, then the rule with the new trunk ID, all with the marker', async () => {
    const client = createFakeSipClient();
    const applied = await sync(client);
    expect(applied.map((step) => `${step.outcome} ${step.kind} ${step.name}`)).toEqual([
      'created inbound dev-inbound',
      'created outbound dev-transfer',
      'created rule dev-agent',
    ]);
    expect(client.rules[0]?.trunkIds).toEqual([client.inbound[0]?.id]);
    expect(
      [...client.inbound, ...client.outbound, ...client.rules].map((item) => item.metadata),
    ).toEqual([MANAGED_METADATA, MANAGED_METADATA, MANAGED_METADATA]);
  });

  it('is idempotent: a second run calls nothing that writes', async () => {
    const client = createFakeSipClient();
    await sync(client);
    client.calls.length = 0;
    const applied = await sync(client);
    expect(applied.every((step) => step.outcome === 'unchanged')).toBe(true);
    expect(client.calls).toEqual([]);
  });

  it('updates in place, keeping the ID', async () => {
    const client = createFakeSipClient();
    await sync(client);
    const id = client.inbound[0]!.id;
    client.calls.length = 0;
    const changed = {
      ...desired,
      inbound: [{ ...desired.inbound[0]!, numbers: ['+15550101'] }],
    };
    const applied = await sync(client, changed);
    expect(client.calls).toEqual(['updateInboundTrunk dev-inbound']);
    expect(applied[0]).toMatchObject({ outcome: 'updated', id, changes: [{ field: 'numbers' }] });
    expect(client.inbound).toMatchObject([{ id, numbers: ['+15550101'] }]);
  });

  it('deletes what left the file, before creating, and never unmanaged objects', async () => {
    const client = createFakeSipClient({
      inbound: [
        {
          id: 'ST_hand',
          name: 'hand-made',
          metadata: '',
          numbers: ['+15550199'],
          allowedAddresses: ['203.0.113.5'],
          allowedNumbers: [],
          auth: undefined,
          krisp: false,
          mediaEncryption: 'disable',
        },
      ],
    });
    await sync(client);
    client.calls.length = 0;
    await sync(client, { ...desired, rules: [] });
    expect(client.calls).toEqual([`deleteDispatchRule ${'SDR_fake3'}`]);
    await sync(client, { inbound: [], outbound: [], rules: [] });
    expect(client.inbound.map((trunk) => trunk.id)).toEqual(['ST_hand']);
    expect(client.outbound).toEqual([]);
  });

  it('falls back to delete + create where the server cannot update, and repoints the rule', async () => {
    const client = createFakeSipClient();
    await sync(client);
    const oldId = client.inbound[0]!.id;
    client.updatesUnsupported = true;
    client.calls.length = 0;
    const changed = { ...desired, inbound: [{ ...desired.inbound[0]!, numbers: ['+15550101'] }] };
    const applied = await sync(client, changed);
    const newId = client.inbound[0]!.id;
    expect(newId).not.toBe(oldId);
    expect(applied[0]).toMatchObject({
      outcome: 'replaced',
      id: newId,
      note: expect.stringContaining(`${oldId} was deleted and created again as ${newId}`),
    });
    // The rule is unchanged by name but pointed at the old ID: it is re-created too.
    expect(client.calls).toEqual([
      'updateInboundTrunk dev-inbound',
      `deleteTrunk ${oldId}`,
      'createInboundTrunk dev-inbound',
      'updateDispatchRule dev-agent',
      'deleteDispatchRule SDR_fake3',
      'createDispatchRule dev-agent',
    ]);
    expect(applied.at(-1)).toMatchObject({
      outcome: 'replaced',
      note: expect.stringMatching(/^its inbound trunk was re-created with a new ID; this server/),
    });
    expect(client.rules[0]?.trunkIds).toEqual([newId]);
    client.updatesUnsupported = false;
    client.calls.length = 0;
    await sync(client, changed);
    expect(client.calls).toEqual([]);
  });

  it('stops at the first failure and says what was already done', async () => {
    const client = createFakeSipClient();
    client.failNext = { method: 'createOutboundTrunk', error: new Error('boom') };
    const error = await sync(client).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ApplyError);
    expect((error as ApplyError).message).toBe(
      'creating outbound trunk "dev-transfer" failed: boom',
    );
    expect((error as ApplyError).done.map((step) => step.name)).toEqual(['dev-inbound']);
    expect(client.rules).toEqual([]);
  });

  it('refuses a plan with errors', async () => {
    const client = createFakeSipClient();
    await expect(
      applyPlan({ actions: [], unmanaged: [], errors: ['clash'] }, client),
    ).rejects.toThrow('the plan has errors');
  });
});

describe('applyPlan with files of different scopes', () => {
  const carrier: DesiredState = {
    inbound: [
      {
        name: 'carrier-in',
        numbers: ['+14155550123'],
        allowedAddresses: ['198.51.100.10/32'],
        allowedNumbers: [],
        auth: undefined,
        krisp: false,
        mediaEncryption: 'disable',
        callerIdTrust: 'attested',
      },
    ],
    outbound: [],
    rules: [],
  };

  it('applying the dev file never deletes the carrier trunks another file applied', async () => {
    const client = createFakeSipClient();
    const apply = async (wanted: DesiredState, scope: string) =>
      applyPlan(planChanges(wanted, await current(client), scope), client);
    await apply(carrier, 'carrier');
    await apply(desired, 'dev');
    const again = await apply(desired, 'dev');
    expect(again.every((step) => step.outcome === 'unchanged')).toBe(true);
    expect(client.inbound.map((trunk) => [trunk.name, trunk.metadata])).toEqual([
      ['carrier-in', managedMetadata('carrier')],
      [GUARD_NAME, GUARD_METADATA],
      ['dev-inbound', managedMetadata('dev')],
    ]);
    // The dev file emptied: only its own objects go.
    await apply({ inbound: [], outbound: [], rules: [] }, 'dev');
    expect(client.inbound.map((trunk) => trunk.name)).toEqual(['carrier-in', GUARD_NAME]);
  });
});
