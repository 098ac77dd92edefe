import { describe, expect, it } from 'vitest';
import { queueDispatchMetadata } from '@ecommerce-voicebot/contracts';
import {
  callLoad,
  createCallAdmission,
  loadThresholdFor,
  QUEUED_SLOT_WAIT_MS,
  type JobOffer,
} from './call-load.js';

const running = (...ids: string[]) => ({ activeJobs: ids.map((id) => ({ job: { id } })) });

function offer(id: string, metadata?: string) {
  const answers: string[] = [];
  const job: JobOffer = {
    id,
    ...(metadata === undefined ? {} : { job: { metadata } }),
    accept: async () => void answers.push('accept'),
    reject: async () => void answers.push('reject'),
  };
  return { job, answers };
}

/** livekit-server's choice (agentservice.go, selectWorkerWeightedByLoad): weight 1 - load. */
const chanceOfFirst = (first: number, second: number, maxCalls: number) => {
  const weight = (calls: number) => 1 - callLoad(calls, maxCalls);
  return weight(first) / (weight(first) + weight(second));
};

describe('the load the worker reports', () => {
  it('rises with its calls and stays below 1 even when full (livekit-server still offers)', () => {
    expect(callLoad(0, 4)).toBe(0);
    const loads = [0, 1, 2, 3, 4].map((calls) => callLoad(calls, 4));
    for (let i = 1; i < loads.length; i++) expect(loads[i]).toBeGreaterThan(loads[i - 1]!);
    expect(callLoad(4, 4)).toBeLessThan(1);
    expect(callLoad(9, 4)).toBe(callLoad(4, 4));
  });

  it('sends most new calls to the freer of two workers under livekit-server weighted choice', () => {
    // With a load proportional to the calls: 57 % and 60 % (one worker host ran full, bench:scale).
    expect(chanceOfFirst(0, 1, 3)).toBeGreaterThan(0.75);
    expect(chanceOfFirst(1, 2, 3)).toBeGreaterThan(0.8);
    expect(chanceOfFirst(10, 15, 25)).toBeGreaterThan(0.7);
  });

  it('says "full" at AGENT_LOAD_THRESHOLD of the maximum, and never at 1', () => {
    const threshold = loadThresholdFor(0.5, 4);
    expect(callLoad(1, 4)).toBeLessThan(threshold);
    expect(callLoad(2, 4)).toBeGreaterThanOrEqual(threshold);
    expect(loadThresholdFor(1, 4)).toBeGreaterThan(callLoad(4, 4));
  });

  it('refuses a maximum that is not a positive integer', () => {
    expect(() => createCallAdmission(0)).toThrow(RangeError);
    expect(() => callLoad(1, 1.5)).toThrow(RangeError);
  });
});

describe('which calls the worker takes', () => {
  it('declines past its maximum, counting jobs accepted but not yet running', async () => {
    const admission = createCallAdmission(2);
    await admission.loadFunc(running());
    const [a, b, c] = [offer('a'), offer('b'), offer('c')];
    await admission.requestFunc(a.job);
    await admission.requestFunc(b.job);
    await admission.requestFunc(c.job);
    expect([a.answers, b.answers, c.answers]).toEqual([['accept'], ['accept'], ['reject']]);
  });

  it('takes the next call as soon as one ends, without waiting for a load report', async () => {
    const admission = createCallAdmission(2);
    const jobs = running('a', 'b');
    await admission.loadFunc(jobs);
    const c = offer('c');
    await admission.requestFunc(c.job);
    expect(c.answers).toEqual(['reject']);
    // The framework's server object is live: a job that ends leaves activeJobs at once.
    (jobs.activeJobs as { job: { id: string } }[]).splice(0, 1);
    const d = offer('d');
    await admission.requestFunc(d.job);
    expect(d.answers).toEqual(['accept']);
  });

  it('forgets an accepted job that never started', async () => {
    let now = 0;
    const admission = createCallAdmission(1, () => now);
    await admission.loadFunc(running());
    await admission.requestFunc(offer('a').job);
    const b = offer('b');
    await admission.requestFunc(b.job);
    expect(b.answers).toEqual(['reject']);
    now = 16_000;
    const c = offer('c');
    await admission.requestFunc(c.job);
    expect(c.answers).toEqual(['accept']);
  });

  describe("a queued caller's dispatch on a full worker", () => {
    const QUEUED = queueDispatchMetadata({ waitedMs: 4_000, position: 1 });

    function clocked() {
      let now = 0;
      const admission = createCallAdmission(
        1,
        () => now,
        async (ms) => {
          now += ms;
        },
      );
      return { admission, at: () => now };
    }

    it('waits for the call that is ending to free its slot, then takes it', async () => {
      const { admission, at } = clocked();
      const jobs = running('a');
      await admission.loadFunc(jobs);
      const queued = offer('q', QUEUED);
      const answering = admission.requestFunc(queued.job);
      // Job a's session closes while the offer waits.
      await Promise.resolve();
      (jobs.activeJobs as { job: { id: string } }[]).splice(0, 1);
      await answering;
      expect(queued.answers).toEqual(['accept']);
      expect(at()).toBeLessThan(QUEUED_SLOT_WAIT_MS);
    });

    it("takes it once the ending call's agent says its caller left, while that job still runs", async () => {
      const { admission, at } = clocked();
      await admission.loadFunc(running('a'));
      const queued = offer('q', QUEUED);
      const answering = admission.requestFunc(queued.job);
      await Promise.resolve();
      admission.callEnded('a');
      await answering;
      expect(queued.answers).toEqual(['accept']);
      expect(at()).toBeLessThan(QUEUED_SLOT_WAIT_MS);
      // q now holds the slot: a's ending does not count twice.
      const next = offer('n');
      await admission.requestFunc(next.job);
      expect(next.answers).toEqual(['reject']);
    });

    it('ignores an ended job it does not run', async () => {
      const { admission } = clocked();
      await admission.loadFunc(running('a'));
      admission.callEnded('gone');
      const queued = offer('q', QUEUED);
      await admission.requestFunc(queued.job);
      expect(queued.answers).toEqual(['reject']);
    });

    it('declines after the wait when no call ends, and a new call at once', async () => {
      const { admission, at } = clocked();
      await admission.loadFunc(running('a'));
      const queued = offer('q', QUEUED);
      await admission.requestFunc(queued.job);
      expect(queued.answers).toEqual(['reject']);
      expect(at()).toBeGreaterThanOrEqual(QUEUED_SLOT_WAIT_MS);
      const fresh = offer('n');
      const before = at();
      await admission.requestFunc(fresh.job);
      expect(fresh.answers).toEqual(['reject']);
      expect(at()).toBe(before);
    });
  });
});

describe('an accepted job', () => {
  it('is announced once accepted, and a declined one is not', async () => {
    const announced: string[] = [];
    const admission = createCallAdmission(
      1,
      Date.now,
      async () => undefined,
      (accepted) => void announced.push(accepted.id),
    );
    await admission.loadFunc(running());
    const [a, b] = [offer('a'), offer('b')];
    await admission.requestFunc(a.job);
    await admission.requestFunc(b.job);
    expect(b.answers).toEqual(['reject']);
    expect(announced).toEqual(['a']);
  });
});
