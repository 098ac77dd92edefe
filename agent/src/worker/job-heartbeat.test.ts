import {
  AGENT_CALL_ENDED_ATTRIBUTE,
  AGENT_HEARTBEAT_ATTRIBUTE,
} from '@ecommerce-voicebot/contracts';
import { describe, expect, it, vi } from 'vitest';
import { recordingLogger } from '../testing/recording-logger.js';
import { beatingJobOf, createJobHeartbeat, type BeatingJob } from './job-heartbeat.js';

function setup(jobs: BeatingJob[], setAttributes?: () => Promise<undefined>) {
  const sent: { room: string; identity: string; value: string }[] = [];
  const { logger, lines } = recordingLogger();
  const heartbeat = createJobHeartbeat({
    jobs: () => jobs,
    setAttributes:
      setAttributes ??
      (async (room, identity, attributes) => {
        sent.push({ room, identity, value: attributes[AGENT_HEARTBEAT_ATTRIBUTE]! });
        return undefined;
      }),
    logger,
    intervalMs: 500,
  });
  return { heartbeat, sent, lines };
}

describe('createJobHeartbeat', () => {
  it("beats a new count into every running job's agent, twice a second, until stopped", async () => {
    vi.useFakeTimers();
    try {
      const jobs = [
        { id: 'AJ_1', room: 'call-a', identity: 'agent-AJ_1' },
        { id: 'AJ_2', room: 'call-b', identity: 'agent-AJ_2' },
      ];
      const { heartbeat, sent } = setup(jobs);
      heartbeat.start();
      await vi.advanceTimersByTimeAsync(1_000);
      jobs.pop();
      await vi.advanceTimersByTimeAsync(500);
      heartbeat.stop();
      await vi.advanceTimersByTimeAsync(2_000);
      expect(sent).toEqual([
        { room: 'call-a', identity: 'agent-AJ_1', value: '1' },
        { room: 'call-b', identity: 'agent-AJ_2', value: '1' },
        { room: 'call-a', identity: 'agent-AJ_1', value: '2' },
        { room: 'call-b', identity: 'agent-AJ_2', value: '2' },
        { room: 'call-a', identity: 'agent-AJ_1', value: '3' },
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps beating the other jobs when one fails, and reports that job once', async () => {
    const sent: string[] = [];
    const { logger, lines } = recordingLogger();
    const heartbeat = createJobHeartbeat({
      jobs: () => [
        { id: 'AJ_1', room: 'call-gone', identity: 'agent-AJ_1' },
        { id: 'AJ_2', room: 'call-b', identity: 'agent-AJ_2' },
      ],
      setAttributes: async (room) => {
        if (room === 'call-gone') throw new Error('participant not found');
        sent.push(room);
        return undefined;
      },
      logger,
    });
    await heartbeat.beat();
    await heartbeat.beat();
    expect(sent).toEqual(['call-b', 'call-b']);
    expect(lines.filter((line) => line.includes('heartbeat not set'))).toHaveLength(1);
  });

  it('tells once of a job whose agent says its caller left', async () => {
    const endedJobs: string[] = [];
    const agents = new Map<string, Record<string, string>>([
      ['agent-AJ_1', {}],
      ['agent-AJ_2', {}],
    ]);
    const heartbeat = createJobHeartbeat({
      jobs: () => [
        { id: 'AJ_1', room: 'call-a', identity: 'agent-AJ_1' },
        { id: 'AJ_2', room: 'call-b', identity: 'agent-AJ_2' },
      ],
      setAttributes: async (_room, identity, attributes) => {
        const merged = { ...agents.get(identity), ...attributes };
        agents.set(identity, merged);
        return merged;
      },
      onCallEnded: (id) => endedJobs.push(id),
      logger: recordingLogger().logger,
    });
    await heartbeat.beat();
    expect(endedJobs).toEqual([]);
    agents.get('agent-AJ_2')![AGENT_CALL_ENDED_ATTRIBUTE] = '1';
    await heartbeat.beat();
    await heartbeat.beat();
    expect(endedJobs).toEqual(['AJ_2']);
  });

  it('sends no second beat to a job while its first is still on the way', async () => {
    let release: () => void = () => {};
    let calls = 0;
    const { heartbeat } = setup([{ id: 'AJ_1', room: 'call-a', identity: 'agent-AJ_1' }], () => {
      calls += 1;
      return new Promise<undefined>((resolve) => (release = () => resolve(undefined)));
    });
    const first = heartbeat.beat();
    await heartbeat.beat();
    expect(calls).toBe(1);
    release();
    await first;
    void heartbeat.beat();
    expect(calls).toBe(2);
  });
});

describe('beatingJobOf', () => {
  it("takes the job's room and the identity its agent was accepted with", () => {
    expect(
      beatingJobOf({
        job: { id: 'AJ_1', room: { name: 'call-a' } },
        acceptArguments: { identity: 'agent-AJ_1' },
      }),
    ).toEqual({ id: 'AJ_1', room: 'call-a', identity: 'agent-AJ_1' });
    expect(beatingJobOf({ job: { id: 'AJ_1', room: { name: 'call-a' } } })).toBeUndefined();
    expect(
      beatingJobOf({ job: { id: 'AJ_1' }, acceptArguments: { identity: 'agent-AJ_1' } }),
    ).toBeUndefined();
  });
});
