import { ParticipantKind } from '@livekit/rtc-node';
import { describe, expect, it } from 'vitest';
import { anotherAgentServes, yieldsToNewcomer } from './one-agent.js';

const caller = { identity: 'sip_+1555', kind: ParticipantKind.SIP };
const agent = (identity: string) => ({ identity, kind: ParticipantKind.AGENT });

describe('one agent per call', () => {
  it('leaves a room another agent already serves, not one with only the caller', () => {
    expect(anotherAgentServes([caller, agent('agent-AJ_b')])).toBe(true);
    expect(anotherAgentServes([caller])).toBe(false);
  });

  it('keeps exactly one of two agents that joined at once, seen from either side', () => {
    // b joined at 10 000 ms, a at 11 000 ms (livekit-server's clock): a stays, b yields to it.
    const b = { ...agent('agent-AJ_b'), joinedAtMs: 10_000 };
    expect(anotherAgentServes([caller, b], { identity: 'agent-AJ_a', joinedAtMs: 11_000 })).toBe(
      false,
    );
    expect(yieldsToNewcomer('agent-AJ_b', agent('agent-AJ_a'), 1_000)).toBe(true);
    // The other way round: a joined first and has the smaller identity; b leaves, a stays.
    const a = { ...agent('agent-AJ_a'), joinedAtMs: 10_000 };
    expect(anotherAgentServes([caller, a], { identity: 'agent-AJ_b', joinedAtMs: 11_000 })).toBe(
      true,
    );
    expect(yieldsToNewcomer('agent-AJ_a', agent('agent-AJ_b'), 1_000)).toBe(false);
    // Long after: the newcomer leaves whatever its identity.
    expect(anotherAgentServes([caller, b], { identity: 'agent-AJ_a', joinedAtMs: 20_000 })).toBe(
      true,
    );
  });

  it('of two agents joining at once, keeps the smaller identity; a late one never displaces', () => {
    expect(yieldsToNewcomer('agent-AJ_b', agent('agent-AJ_a'), 500)).toBe(true);
    expect(yieldsToNewcomer('agent-AJ_a', agent('agent-AJ_b'), 500)).toBe(false);
    expect(yieldsToNewcomer('agent-AJ_b', agent('agent-AJ_a'), 10_000)).toBe(false);
    expect(yieldsToNewcomer('agent-AJ_b', caller, 500)).toBe(false);
  });
});
