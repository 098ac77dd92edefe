// SipAdminClient over livekit-server-sdk's SipClient (and RoomServiceClient for `call --agent`).
// Updates use the SDK's "replace" methods (UpdateSIP*Request with action `replace`): the server
// swaps the whole object and keeps its ID. The field-wise variants cannot express everything the
// file does (a dispatch rule's room configuration, a trunk's Krisp flag), so they are not used.
import {
  RoomAgentDispatch,
  RoomConfiguration,
  RoomServiceClient,
  SIPDispatchRule,
  SIPDispatchRuleCallee,
  SIPDispatchRuleDirect,
  SIPDispatchRuleIndividual,
  SIPDispatchRuleInfo,
  SIPInboundTrunkInfo,
  SIPOutboundTrunkInfo,
  ServerError,
  SipCallError,
  SipClient,
  type CreateSipInboundTrunkOptions,
  type CreateSipOutboundTrunkOptions,
} from 'livekit-server-sdk';
import {
  ServerRequestError,
  UpdateNotSupportedError,
  headersToAttributesFor,
  ruleAttributesFor,
  type DialRequest,
  type DialResult,
  type DispatchRule,
  type DispatchRuleWrite,
  type InboundTrunk,
  type InboundTrunkSpec,
  type MediaEncryption,
  type OutboundTrunk,
  type OutboundTrunkSpec,
  type RoomRule,
  type SipAdminClient,
  type Transport,
} from './model.js';

export interface LiveKitConnection {
  /** http(s) URL of the LiveKit server's API. */
  readonly url: string;
  readonly apiKey: string;
  readonly apiSecret: string;
}

type SdkTransport = CreateSipOutboundTrunkOptions['transport'];

// SIPTransport from @livekit/protocol (not re-exported by the SDK): AUTO 0, UDP 1, TCP 2, TLS 3.
const TRANSPORTS: readonly Transport[] = ['auto', 'udp', 'tcp', 'tls'];
const toSdkTransport = (transport: Transport): SdkTransport =>
  TRANSPORTS.indexOf(transport) as SdkTransport;
const fromSdkTransport = (transport: SdkTransport): Transport =>
  TRANSPORTS[transport as number] ?? 'auto';

type SdkMediaEncryption = NonNullable<CreateSipInboundTrunkOptions['mediaEncryption']>;

// SIPMediaEncryption from @livekit/protocol (not re-exported by the SDK): DISABLE 0, ALLOW 1,
// REQUIRE 2.
const MEDIA_ENCRYPTIONS: readonly MediaEncryption[] = ['disable', 'allow', 'require'];
const toSdkEncryption = (value: MediaEncryption): SdkMediaEncryption =>
  MEDIA_ENCRYPTIONS.indexOf(value) as SdkMediaEncryption;
/**
 * The server keeps the setting in `media.encryption` (newer) and the deprecated
 * `media_encryption` (livekit protocol's SIPMediaConfig.UpgradeWith): either may be the one set.
 */
const fromSdkEncryption = (info: {
  mediaEncryption: SdkMediaEncryption;
  media?: { encryption?: SdkMediaEncryption };
}): MediaEncryption =>
  MEDIA_ENCRYPTIONS[(info.media?.encryption ?? info.mediaEncryption) as number] ?? 'disable';

const auth = (username: string, password: string) =>
  username === '' && password === '' ? undefined : { username, password };

function fromInbound(info: SIPInboundTrunkInfo): InboundTrunk {
  return {
    id: info.sipTrunkId,
    name: info.name,
    metadata: info.metadata,
    numbers: info.numbers,
    allowedAddresses: info.allowedAddresses,
    allowedNumbers: info.allowedNumbers,
    auth: auth(info.authUsername, info.authPassword),
    krisp: info.krispEnabled,
    mediaEncryption: fromSdkEncryption(info),
    headersToAttributes: info.headersToAttributes,
  };
}

function fromOutbound(info: SIPOutboundTrunkInfo): OutboundTrunk {
  return {
    id: info.sipTrunkId,
    name: info.name,
    metadata: info.metadata,
    address: info.address,
    transport: fromSdkTransport(info.transport),
    numbers: info.numbers,
    auth: auth(info.authUsername, info.authPassword),
    mediaEncryption: fromSdkEncryption(info),
  };
}

function fromRule(info: SIPDispatchRuleInfo): DispatchRule {
  const rule = info.rule?.rule;
  let room: RoomRule | undefined;
  if (rule?.case === 'dispatchRuleIndividual') {
    room = { type: 'individual', roomPrefix: rule.value.roomPrefix, pin: rule.value.pin };
  } else if (rule?.case === 'dispatchRuleDirect') {
    room = { type: 'direct', roomName: rule.value.roomName, pin: rule.value.pin };
  } else if (rule?.case === 'dispatchRuleCallee') {
    room = {
      type: 'callee',
      roomPrefix: rule.value.roomPrefix,
      pin: rule.value.pin,
      randomize: rule.value.randomize,
    };
  }
  return {
    id: info.sipDispatchRuleId,
    name: info.name,
    metadata: info.metadata,
    rule: room,
    trunkIds: info.trunkIds,
    numbers: info.numbers,
    inboundNumbers: info.inboundNumbers,
    agentNames: (info.roomConfig?.agents ?? []).map((agent) => agent.agentName),
    attributes: info.attributes,
  };
}

function toSdkRule(rule: RoomRule): SIPDispatchRule {
  switch (rule.type) {
    case 'individual':
      return new SIPDispatchRule({
        rule: {
          case: 'dispatchRuleIndividual',
          value: new SIPDispatchRuleIndividual({ roomPrefix: rule.roomPrefix, pin: rule.pin }),
        },
      });
    case 'direct':
      return new SIPDispatchRule({
        rule: {
          case: 'dispatchRuleDirect',
          value: new SIPDispatchRuleDirect({ roomName: rule.roomName, pin: rule.pin }),
        },
      });
    case 'callee':
      return new SIPDispatchRule({
        rule: {
          case: 'dispatchRuleCallee',
          value: new SIPDispatchRuleCallee({
            roomPrefix: rule.roomPrefix,
            pin: rule.pin,
            randomize: rule.randomize,
          }),
        },
      });
  }
}

const roomConfig = (agentName: string): RoomConfiguration =>
  new RoomConfiguration({ agents: [new RoomAgentDispatch({ agentName })] });

function inboundInfo(spec: InboundTrunkSpec, metadata: string): SIPInboundTrunkInfo {
  return new SIPInboundTrunkInfo({
    name: spec.name,
    metadata,
    numbers: [...spec.numbers],
    allowedAddresses: [...spec.allowedAddresses],
    allowedNumbers: [...spec.allowedNumbers],
    authUsername: spec.auth?.username ?? '',
    authPassword: spec.auth?.password ?? '',
    krispEnabled: spec.krisp,
    mediaEncryption: toSdkEncryption(spec.mediaEncryption),
    headersToAttributes: { ...headersToAttributesFor(spec.callerIdTrust) },
  });
}

function outboundInfo(spec: OutboundTrunkSpec, metadata: string): SIPOutboundTrunkInfo {
  return new SIPOutboundTrunkInfo({
    name: spec.name,
    metadata,
    address: spec.address,
    transport: toSdkTransport(spec.transport),
    numbers: [...spec.numbers],
    authUsername: spec.auth?.username ?? '',
    authPassword: spec.auth?.password ?? '',
    mediaEncryption: toSdkEncryption(spec.mediaEncryption),
  });
}

function ruleInfo(rule: DispatchRuleWrite, metadata: string): SIPDispatchRuleInfo {
  return new SIPDispatchRuleInfo({
    name: rule.name,
    metadata,
    rule: toSdkRule(rule.rule),
    trunkIds: [...rule.trunkIds],
    roomConfig: roomConfig(rule.agentName),
    attributes: { ...ruleAttributesFor(rule.callerIdTrust) },
  });
}

/** Turns SDK and network failures into messages an admin can act on (never with secrets). */
function explain(error: unknown, url: string): Error {
  if (error instanceof SipCallError && error.sipStatusCode !== undefined) {
    return new ServerRequestError(
      `the call failed: SIP ${error.sipStatusCode} ${error.sipStatus ?? ''}`.trim(),
    );
  }
  if (error instanceof ServerError) {
    if (error.status === 401 || error.code === 'unauthenticated') {
      return new ServerRequestError(
        `LiveKit at ${url} refused the credentials (${error.message}): check LIVEKIT_API_KEY and LIVEKIT_API_SECRET`,
      );
    }
    if (error.message.includes('no response from servers')) {
      return new ServerRequestError(
        'no SIP bridge answered: is livekit-sip running and connected to the same Redis as livekit-server?',
      );
    }
    return new ServerRequestError(
      `LiveKit answered ${error.status} ${error.code ?? ''}: ${error.message}`,
    );
  }
  if (error instanceof Error && error.message.startsWith('fetch failed')) {
    const code = (error.cause as NodeJS.ErrnoException | undefined)?.code;
    return new ServerRequestError(
      `cannot reach LiveKit at ${url}${code === undefined ? '' : ` (${code})`}: is the server running and LIVEKIT_URL right?`,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** An update RPC the server does not know: 404 bad_route / unimplemented (older servers). */
function isUnsupported(error: unknown): boolean {
  return (
    error instanceof ServerError &&
    (error.code === 'bad_route' || error.code === 'unimplemented' || error.status === 501)
  );
}

export function createLiveKitClient(connection: LiveKitConnection): SipAdminClient {
  const options = { requestTimeout: 15, failover: false };
  const sip = new SipClient(connection.url, connection.apiKey, connection.apiSecret, options);
  const rooms = new RoomServiceClient(
    connection.url,
    connection.apiKey,
    connection.apiSecret,
    options,
  );

  async function call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw explain(error, connection.url);
    }
  }

  async function update<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (isUnsupported(error))
        throw new UpdateNotSupportedError(`${what}: ${(error as Error).message}`);
      throw explain(error, connection.url);
    }
  }

  return {
    listInboundTrunks: () => call(async () => (await sip.listSipInboundTrunk()).map(fromInbound)),
    listOutboundTrunks: () =>
      call(async () => (await sip.listSipOutboundTrunk()).map(fromOutbound)),
    listDispatchRules: () => call(async () => (await sip.listSipDispatchRule()).map(fromRule)),

    createInboundTrunk: (spec, metadata) =>
      call(async () =>
        fromInbound(
          await sip.createSipInboundTrunk(spec.name, [...spec.numbers], {
            metadata,
            allowedAddresses: [...spec.allowedAddresses],
            allowedNumbers: [...spec.allowedNumbers],
            authUsername: spec.auth?.username,
            authPassword: spec.auth?.password,
            krispEnabled: spec.krisp,
            mediaEncryption: toSdkEncryption(spec.mediaEncryption),
            headersToAttributes: { ...headersToAttributesFor(spec.callerIdTrust) },
          }),
        ),
      ),
    updateInboundTrunk: (id, spec, metadata) =>
      update('UpdateSIPInboundTrunk', async () =>
        fromInbound(await sip.updateSipInboundTrunk(id, inboundInfo(spec, metadata))),
      ),

    createOutboundTrunk: (spec, metadata) =>
      call(async () =>
        fromOutbound(
          await sip.createSipOutboundTrunk(spec.name, spec.address, [...spec.numbers], {
            metadata,
            transport: toSdkTransport(spec.transport),
            authUsername: spec.auth?.username,
            authPassword: spec.auth?.password,
            mediaEncryption: toSdkEncryption(spec.mediaEncryption),
          }),
        ),
      ),
    updateOutboundTrunk: (id, spec, metadata) =>
      update('UpdateSIPOutboundTrunk', async () =>
        fromOutbound(await sip.updateSipOutboundTrunk(id, outboundInfo(spec, metadata))),
      ),

    createDispatchRule: (rule, metadata) =>
      call(async () => {
        const room = rule.rule;
        const target =
          room.type === 'direct'
            ? { type: 'direct' as const, roomName: room.roomName, pin: room.pin }
            : room.type === 'individual'
              ? { type: 'individual' as const, roomPrefix: room.roomPrefix, pin: room.pin }
              : {
                  type: 'callee' as const,
                  roomPrefix: room.roomPrefix,
                  pin: room.pin,
                  randomize: room.randomize,
                };
        return fromRule(
          await sip.createSipDispatchRule(target, {
            name: rule.name,
            metadata,
            trunkIds: [...rule.trunkIds],
            roomConfig: roomConfig(rule.agentName),
            attributes: { ...ruleAttributesFor(rule.callerIdTrust) },
          }),
        );
      }),
    updateDispatchRule: (id, rule, metadata) =>
      update('UpdateSIPDispatchRule', async () =>
        fromRule(await sip.updateSipDispatchRule(id, ruleInfo(rule, metadata))),
      ),

    deleteTrunk: (id) =>
      call(async () => {
        await sip.deleteSipTrunk(id);
      }),
    deleteDispatchRule: (id) =>
      call(async () => {
        await sip.deleteSipDispatchRule(id);
      }),

    dial: (request: DialRequest) =>
      call(async (): Promise<DialResult> => {
        if (request.agentName !== undefined) {
          await rooms.createRoom({
            name: request.room,
            agents: [new RoomAgentDispatch({ agentName: request.agentName })],
          });
        }
        const participant = await sip.createSipParticipant(
          request.trunkId,
          request.number,
          request.room,
          {
            fromNumber: request.fromNumber,
            participantIdentity: 'sip-test-callee',
            participantName: 'SIP test call',
            waitUntilAnswered: true,
            ringingTimeout: request.ringingSeconds,
          },
        );
        return {
          room: participant.roomName,
          participantIdentity: participant.participantIdentity,
          sipCallId: participant.sipCallId,
        };
      }),
  };
}
