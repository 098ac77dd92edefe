import { describe, expect, it } from 'vitest';
import { callLoad, createCallAdmission, type JobOffer } from './call-load.js';

const running = (...ids: string[]) => ({ activeJobs: ids.map((id) => ({ job: { id } })) });

function offer(id: string) {
  const answers: string[] = [];
  const job: JobOffer = {
    id,
    accept: async () => void answers.push('accept'),
    reject: async () => void answers.push('reject'),
  };
  return { job, answers };
}

describe('the load the worker reports', () => {
  it('is proportional to its calls and stays below 1 even when full (livekit-server still offers)', () => {
    expect(callLoad(0, 4)).toBe(0);
    expect(callLoad(2, 4)).toBeCloseTo(0.4);
    expect(callLoad(4, 4)).toBeCloseTo(0.8);
    expect(callLoad(9, 4)).toBeCloseTo(0.8);
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
});
