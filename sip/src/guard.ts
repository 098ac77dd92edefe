// The catch-all trunk that makes the bridge refuse, at once, an INVITE that no trunk of ours
// accepts. Without it, livekit-server finds no trunk, tells livekit-sip v1.8.0 to accept without
// credentials, the bridge sends 180 Ringing, and then the dispatch result DROP ends the INVITE
// transaction without any final response (pkg/sip/inbound.go: AuthAccept → handleInvite →
// StartRinging → DispatchNoRuleDrop → cc.Drop()): an allowlisted carrier trunk called from the
// wrong address rang for 40 s instead of being refused. A trunk with no numbers matches every
// call that no trunk with numbers matched; its credentials are random and known to nobody, so the
// bridge answers such a call with 407 in milliseconds and any digest with 401, and no dispatch
// rule names it, so even a right guess reaches no room.
import { randomBytes } from 'node:crypto';
import { MANAGED_BY, type InboundTrunkSpec } from './model.js';

export const GUARD_NAME = 'refuse-unmatched';
export const GUARD_METADATA = JSON.stringify({ managed_by: MANAGED_BY, role: GUARD_NAME });

/** Whether a server object is the guard (it belongs to no file's scope and is never deleted). */
export function isGuard(metadata: string): boolean {
  if (!metadata.startsWith('{')) return false;
  try {
    const parsed = JSON.parse(metadata) as Record<string, unknown>;
    return parsed.managed_by === MANAGED_BY && parsed.role === GUARD_NAME;
  } catch {
    return false;
  }
}

/** Only the guard has no numbers: the trunks file requires at least one on every trunk. */
export function isGuardSpec(spec: InboundTrunkSpec): boolean {
  return spec.numbers.length === 0;
}

/** A guard trunk with fresh random credentials. */
export function guardSpec(random: (bytes: number) => string = randomToken): InboundTrunkSpec {
  return {
    name: GUARD_NAME,
    numbers: [],
    allowedAddresses: [],
    allowedNumbers: [],
    auth: { username: random(12), password: random(32) },
    krisp: false,
    mediaEncryption: 'disable',
    callerIdTrust: 'never',
  };
}

function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}
