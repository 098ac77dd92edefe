// A hand-written, in-memory SipAdminClient for tests: it keeps objects like the server does,
// records every call, and can be told to behave like a server without the update API.
import {
  UpdateNotSupportedError,
  type DialRequest,
  type DialResult,
  type DispatchRule,
  type DispatchRuleWrite,
  type InboundTrunk,
  type InboundTrunkSpec,
  type OutboundTrunk,
  type OutboundTrunkSpec,
  type SipAdminClient,
  headersToAttributesFor,
  ruleAttributesFor,
} from '../model.js';

export interface FakeSipClient extends SipAdminClient {
  readonly inbound: InboundTrunk[];
  readonly outbound: OutboundTrunk[];
  readonly rules: DispatchRule[];
  /** Method names in call order, e.g. "createInboundTrunk dev-inbound". */
  readonly calls: string[];
  readonly dials: DialRequest[];
  /** When set, update* throw UpdateNotSupportedError (a server before the Update* SIP APIs). */
  updatesUnsupported: boolean;
  /** When set, the named method throws this error once. */
  failNext: { method: keyof SipAdminClient; error: Error } | undefined;
}

export function createFakeSipClient(
  initial: {
    inbound?: InboundTrunk[];
    outbound?: OutboundTrunk[];
    rules?: DispatchRule[];
  } = {},
): FakeSipClient {
  let counter = 0;
  const nextId = (prefix: string) => `${prefix}_fake${++counter}`;

  const inboundFrom = (id: string, spec: InboundTrunkSpec, metadata: string): InboundTrunk => ({
    id,
    metadata,
    name: spec.name,
    numbers: [...spec.numbers],
    allowedAddresses: [...spec.allowedAddresses],
    allowedNumbers: [...spec.allowedNumbers],
    auth: spec.auth,
    krisp: spec.krisp,
    mediaEncryption: spec.mediaEncryption,
    headersToAttributes: headersToAttributesFor(spec.callerIdTrust),
  });
  const outboundFrom = (id: string, spec: OutboundTrunkSpec, metadata: string): OutboundTrunk => ({
    id,
    metadata,
    name: spec.name,
    address: spec.address,
    transport: spec.transport,
    numbers: [...spec.numbers],
    auth: spec.auth,
    mediaEncryption: spec.mediaEncryption,
  });
  const ruleFrom = (id: string, rule: DispatchRuleWrite, metadata: string): DispatchRule => ({
    id,
    metadata,
    name: rule.name,
    rule: rule.rule,
    trunkIds: [...rule.trunkIds],
    agentNames: [rule.agentName],
    attributes: ruleAttributesFor(rule.callerIdTrust),
  });

  function replace<T extends { id: string }>(items: T[], id: string, value: T): T {
    const index = items.findIndex((item) => item.id === id);
    if (index === -1) throw new Error(`not found: ${id}`);
    items[index] = value;
    return value;
  }

  const fake: FakeSipClient = {
    inbound: [...(initial.inbound ?? [])],
    outbound: [...(initial.outbound ?? [])],
    rules: [...(initial.rules ?? [])],
    calls: [],
    dials: [],
    updatesUnsupported: false,
    failNext: undefined,

    async listInboundTrunks() {
      check('listInboundTrunks');
      return [...fake.inbound];
    },
    async listOutboundTrunks() {
      check('listOutboundTrunks');
      return [...fake.outbound];
    },
    async listDispatchRules() {
      check('listDispatchRules');
      return [...fake.rules];
    },
    async createInboundTrunk(spec, metadata) {
      check('createInboundTrunk', spec.name);
      const trunk = inboundFrom(nextId('ST'), spec, metadata);
      fake.inbound.push(trunk);
      return trunk;
    },
    async updateInboundTrunk(id, spec, metadata) {
      check('updateInboundTrunk', spec.name);
      return replace(fake.inbound, id, inboundFrom(id, spec, metadata));
    },
    async createOutboundTrunk(spec, metadata) {
      check('createOutboundTrunk', spec.name);
      const trunk = outboundFrom(nextId('ST'), spec, metadata);
      fake.outbound.push(trunk);
      return trunk;
    },
    async updateOutboundTrunk(id, spec, metadata) {
      check('updateOutboundTrunk', spec.name);
      return replace(fake.outbound, id, outboundFrom(id, spec, metadata));
    },
    async createDispatchRule(rule, metadata) {
      check('createDispatchRule', rule.name);
      const created = ruleFrom(nextId('SDR'), rule, metadata);
      fake.rules.push(created);
      return created;
    },
    async updateDispatchRule(id, rule, metadata) {
      check('updateDispatchRule', rule.name);
      return replace(fake.rules, id, ruleFrom(id, rule, metadata));
    },
    async deleteTrunk(id) {
      check('deleteTrunk', id);
      for (const list of [fake.inbound, fake.outbound] as { id: string }[][]) {
        const index = list.findIndex((item) => item.id === id);
        if (index !== -1) list.splice(index, 1);
      }
    },
    async deleteDispatchRule(id) {
      check('deleteDispatchRule', id);
      const index = fake.rules.findIndex((rule) => rule.id === id);
      if (index !== -1) fake.rules.splice(index, 1);
    },
    async dial(request): Promise<DialResult> {
      check('dial', request.number);
      fake.dials.push(request);
      return {
        room: request.room,
        participantIdentity: 'sip-test-callee',
        sipCallId: 'SCL_fake',
      };
    },
  };

  function check(method: keyof SipAdminClient, detail?: string): void {
    if (!method.startsWith('list')) {
      fake.calls.push(detail === undefined ? method : `${method} ${detail}`);
    }
    if (fake.failNext?.method === method) {
      const { error } = fake.failNext;
      fake.failNext = undefined;
      throw error;
    }
    if (fake.updatesUnsupported && method.startsWith('update')) {
      throw new UpdateNotSupportedError(`${method}: bad_route`);
    }
  }

  return fake;
}
