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

  it('of two agents joining at once, keeps the smaller identity; a late one never displaces', () => {
    expect(yieldsToNewcomer('agent-AJ_b', agent('agent-AJ_a'), 500)).toBe(true);
    expect(yieldsToNewcomer('agent-AJ_a', agent('agent-AJ_b'), 500)).toBe(false);
    expect(yieldsToNewcomer('agent-AJ_b', agent('agent-AJ_a'), 10_000)).toBe(false);
    expect(yieldsToNewcomer('agent-AJ_b', caller, 500)).toBe(false);
  });
});
