// The SIP objects this tool manages, as the trunks file describes them (specs) and as the LiveKit
// server holds them (server objects), and the client interface the commands talk to the server
// through. Plain data only: the LiveKit SDK's classes stay in livekit-client.ts.
import {
  CALLER_ID_ATTESTATION_HEADERS,
  CALLER_ID_TRUST_ATTRIBUTE,
  type CallerIdTrust,
} from '@ecommerce-voicebot/contracts';

/** Written into the metadata of every object this tool creates; only such objects are deleted. */
export const MANAGED_BY = 'ecommerce-voicebot';
export const MANAGED_METADATA = JSON.stringify({ managed_by: MANAGED_BY });

export type Kind = 'inbound' | 'outbound' | 'rule';

export const KIND_LABEL: Readonly<Record<Kind, string>> = {
  inbound: 'inbound trunk',
  outbound: 'outbound trunk',
  rule: 'dispatch rule',
};

export type Transport = 'auto' | 'udp' | 'tcp' | 'tls';

/**
 * SRTP for a trunk's calls (SDES keys in the SDP, so they are only secret over TLS): disable (plain
 * RTP, LiveKit's default), allow (SRTP when the other side offers or accepts it), require (a call
 * without SRTP is refused: inbound with 400, outbound fails).
 */
export type MediaEncryption = 'disable' | 'allow' | 'require';
export const MEDIA_ENCRYPTION_VALUES = [
  'disable',
  'allow',
  'require',
] as const satisfies readonly MediaEncryption[];

export interface Auth {
  readonly username: string;
  readonly password: string;
}

export interface InboundTrunkSpec {
  readonly name: string;
  readonly numbers: readonly string[];
  /** Source IPs or CIDRs the bridge accepts INVITEs from; empty: any source. */
  readonly allowedAddresses: readonly string[];
  /** Caller numbers accepted; empty: any caller. */
  readonly allowedNumbers: readonly string[];
  readonly auth: Auth | undefined;
  readonly krisp: boolean;
  readonly mediaEncryption: MediaEncryption;
  /** Whether a caller's number may verify them (contracts/src/caller-id.ts). */
  readonly callerIdTrust: CallerIdTrust;
}

export interface OutboundTrunkSpec {
  readonly name: string;
  /** host[:port] of the carrier or SIP peer the bridge sends INVITEs to. */
  readonly address: string;
  readonly transport: Transport;
  readonly numbers: readonly string[];
  readonly auth: Auth | undefined;
  readonly mediaEncryption: MediaEncryption;
}

export type RoomRule =
  | { readonly type: 'individual'; readonly roomPrefix: string; readonly pin: string }
  | { readonly type: 'direct'; readonly roomName: string; readonly pin: string }
  | {
      readonly type: 'callee';
      readonly roomPrefix: string;
      readonly pin: string;
      readonly randomize: boolean;
    };

export interface DispatchRuleSpec {
  readonly name: string;
  readonly rule: RoomRule;
  /** Names of inbound trunks in the same file. */
  readonly trunks: readonly string[];
  /** The agent dispatched into every room the rule creates. */
  readonly agentName: string;
  /** Its trunks' common `callerIdTrust`, written as a participant attribute the agent reads. */
  readonly callerIdTrust: CallerIdTrust;
}

export interface DesiredState {
  readonly inbound: readonly InboundTrunkSpec[];
  readonly outbound: readonly OutboundTrunkSpec[];
  readonly rules: readonly DispatchRuleSpec[];
}

interface ServerObject {
  readonly id: string;
  readonly name: string;
  readonly metadata: string;
}

export type InboundTrunk = ServerObject &
  Omit<InboundTrunkSpec, 'name' | 'callerIdTrust'> & {
    /** SIP headers copied into participant attributes; absent: none. */
    readonly headersToAttributes?: Readonly<Record<string, string>>;
  };
export type OutboundTrunk = ServerObject & Omit<OutboundTrunkSpec, 'name'>;

export interface DispatchRule extends ServerObject {
  /** undefined: a rule type this tool does not know (it is shown, never changed). */
  readonly rule: RoomRule | undefined;
  readonly trunkIds: readonly string[];
  /** Called numbers the rule is limited to (LiveKit's `numbers`); absent or empty: any. */
  readonly numbers?: readonly string[];
  /** Caller numbers the rule is limited to (`inboundNumbers`); absent or empty: any caller. */
  readonly inboundNumbers?: readonly string[];
  readonly agentNames: readonly string[];
  /** Attributes every caller's participant inherits; absent: none. */
  readonly attributes?: Readonly<Record<string, string>>;
}

export interface CurrentState {
  readonly inbound: readonly InboundTrunk[];
  readonly outbound: readonly OutboundTrunk[];
  readonly rules: readonly DispatchRule[];
}

/** A dispatch rule as written to the server: trunk names resolved to IDs. */
export interface DispatchRuleWrite extends Omit<DispatchRuleSpec, 'trunks'> {
  readonly trunkIds: readonly string[];
}

export interface DialRequest {
  readonly trunkId: string;
  readonly number: string;
  readonly room: string;
  readonly fromNumber: string | undefined;
  /** Dispatch this agent into the room before dialing (the callee then talks to it). */
  readonly agentName: string | undefined;
  readonly ringingSeconds: number;
}

export interface DialResult {
  readonly room: string;
  readonly participantIdentity: string;
  readonly sipCallId: string;
}

/** What the commands need from a LiveKit server; livekit-client.ts implements it with SipClient. */
export interface SipAdminClient {
  listInboundTrunks(): Promise<InboundTrunk[]>;
  listOutboundTrunks(): Promise<OutboundTrunk[]>;
  listDispatchRules(): Promise<DispatchRule[]>;
  createInboundTrunk(spec: InboundTrunkSpec, metadata: string): Promise<InboundTrunk>;
  /** Replaces the whole trunk, keeping its ID. Throws UpdateNotSupportedError on old servers. */
  updateInboundTrunk(id: string, spec: InboundTrunkSpec, metadata: string): Promise<InboundTrunk>;
  createOutboundTrunk(spec: OutboundTrunkSpec, metadata: string): Promise<OutboundTrunk>;
  updateOutboundTrunk(
    id: string,
    spec: OutboundTrunkSpec,
    metadata: string,
  ): Promise<OutboundTrunk>;
  createDispatchRule(rule: DispatchRuleWrite, metadata: string): Promise<DispatchRule>;
  updateDispatchRule(id: string, rule: DispatchRuleWrite, metadata: string): Promise<DispatchRule>;
  deleteTrunk(id: string): Promise<void>;
  deleteDispatchRule(id: string): Promise<void>;
  dial(request: DialRequest): Promise<DialResult>;
}

/** The server has no in-place update for this object (LiveKit before the Update* SIP APIs). */
export class UpdateNotSupportedError extends Error {
  override name = 'UpdateNotSupportedError';
}

/** A failure talking to the server, with a message fit for the admin. */
export class ServerRequestError extends Error {
  override name = 'ServerRequestError';
}

/**
 * What an inbound trunk's `callerIdTrust` writes on the trunk: with `attested`, the carrier's
 * verification headers become participant attributes; otherwise no header is mapped, so a header a
 * caller sends can never count as a carrier's verification.
 */
export function headersToAttributesFor(trust: CallerIdTrust): Readonly<Record<string, string>> {
  return trust === 'attested' ? CALLER_ID_ATTESTATION_HEADERS : {};
}

/** What a dispatch rule writes so that the agent learns its trunks' caller ID policy. */
export function ruleAttributesFor(trust: CallerIdTrust): Readonly<Record<string, string>> {
  return { [CALLER_ID_TRUST_ATTRIBUTE]: trust };
}

/**
 * The scope a file applies under (its `scope:` key): apply changes and deletes only the objects of
 * its own scope, so applying the dev file never deletes carrier trunks applied from another file.
 * A file without the key has this scope, which writes the marker as it was before scopes existed:
 * objects applied by older versions belong to it.
 */
export const DEFAULT_SCOPE = 'default';

export function managedMetadata(scope: string): string {
  return scope === DEFAULT_SCOPE
    ? MANAGED_METADATA
    : JSON.stringify({ managed_by: MANAGED_BY, scope });
}

/** The scope an object was applied under; undefined when this tool did not create it. */
export function managedScope(metadata: string): string | undefined {
  if (!isManaged(metadata)) return undefined;
  const { scope } = JSON.parse(metadata) as { scope?: unknown };
  return typeof scope === 'string' && scope !== '' ? scope : DEFAULT_SCOPE;
}

export function isManaged(metadata: string): boolean {
  if (!metadata.startsWith('{')) return false;
  try {
    const parsed: unknown = JSON.parse(metadata);
    return (
      typeof parsed === 'object' &&
      parsed !== null &&
      (parsed as Record<string, unknown>).managed_by === MANAGED_BY
    );
  } catch {
    return false;
  }
}
