import { AGENT_HEARTBEAT_ATTRIBUTE } from '@ecommerce-voicebot/contracts';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createAgentLiveness, type LostAgent, type RoomMember } from './agent-liveness.js';

const agent = (identity: string, beat?: number): RoomMember => ({
  identity,
  isAgent: true,
  isCaller: false,
  attributes: beat === undefined ? {} : { [AGENT_HEARTBEAT_ATTRIBUTE]: String(beat) },
});
const caller = (identity: string): RoomMember => ({
  identity,
  isAgent: false,
  isCaller: true,
  attributes: {},
});

function setup(members: Map<string, RoomMember[]>) {
  let now = 0;
  const lost: LostAgent[] = [];
  const liveness = createAgentLiveness({
    rooms: () => members.keys(),
    members: async (room) => {
      const list = members.get(room);
      if (list === undefined) throw new Error('room is gone');
      return list;
    },
    onLost: async (agent) => void lost.push(agent),
    logger: pino({ level: 'silent' }),
    staleMs: 4_000,
    now: () => now,
  });
  /** One sweep per second for `seconds`, `beat` run before each. */
  const run = async (seconds: number, beat: () => void = () => {}) => {
    for (let i = 0; i < seconds; i += 1) {
      beat();
      await liveness.sweep();
      now += 1_000;
    }
  };
  return { lost, run, at: () => now };
}

describe('createAgentLiveness', () => {
  it('leaves an agent alone while its heartbeat moves', async () => {
    const members = new Map([['call-1', [agent('agent-a', 0), caller('sip_1')]]]);
    const { lost, run } = setup(members);
    let beat = 0;
    await run(20, () => members.set('call-1', [agent('agent-a', ++beat), caller('sip_1')]));
    expect(lost).toEqual([]);
  });

  it('reports an agent whose heartbeat stopped, with the callers it leaves', async () => {
    const members = new Map([['call-1', [agent('agent-a', 0), caller('sip_1')]]]);
    const { lost, run } = setup(members);
    let beat = 0;
    await run(3, () => members.set('call-1', [agent('agent-a', ++beat), caller('sip_1')]));
    await run(6);
    expect(lost).toEqual([
      { room: 'call-1', identity: 'agent-a', callers: ['sip_1'], silentMs: 4_000 },
    ]);
    // Reported once, not every sweep after.
    await run(5);
    expect(lost).toHaveLength(1);
  });

  it('does not judge an agent that has not beaten yet', async () => {
    const members = new Map([['call-1', [agent('agent-a'), caller('sip_1')]]]);
    const { lost, run } = setup(members);
    await run(30);
    expect(lost).toEqual([]);
  });

  it('finds every dead agent of a host before acting on any', async () => {
    const members = new Map([
      ['call-1', [agent('agent-a', 1), caller('sip_1')]],
      ['call-2', [agent('agent-b', 1), caller('sip_2')]],
    ]);
    const order: string[] = [];
    let now = 0;
    const liveness = createAgentLiveness({
      rooms: () => members.keys(),
      members: async (room) => {
        order.push(`read ${room}`);
        return members.get(room)!;
      },
      onLost: async (lostAgent) => void order.push(`lost ${lostAgent.room}`),
      logger: pino({ level: 'silent' }),
      staleMs: 4_000,
      now: () => now,
    });
    for (let i = 0; i < 5; i += 1) {
      order.length = 0;
      await liveness.sweep();
      now += 1_000;
    }
    expect(order).toEqual(['read call-1', 'read call-2', 'lost call-1', 'lost call-2']);
  });

  it('keeps watching the other rooms when one cannot be read', async () => {
    const members = new Map([
      ['call-1', [agent('agent-a', 1), caller('sip_1')]],
      ['call-2', [agent('agent-b', 1), caller('sip_2')]],
    ]);
    const { lost, run } = setup(members);
    await run(1);
    // call-1 cannot be read for a while (the members fake throws): no verdict on it meanwhile,
    // and its agent's last beat is kept, so it is judged as soon as it can be read again.
    const call1 = members.get('call-1')!;
    members.set('call-1', undefined as never);
    await run(5);
    expect(lost.map((agent) => agent.room)).toEqual(['call-2']);
    members.set('call-1', call1);
    await run(1);
    expect(lost.map((agent) => agent.room)).toEqual(['call-2', 'call-1']);
  });
});
