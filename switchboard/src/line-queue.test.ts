import { afterEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import type { AudioClip } from './audio-clip.js';
import { createLineQueue } from './line-queue.js';
import type { QueueNotice } from './queue-notice.js';

const clip = (name: string): AudioClip & { name: string } => ({
  name,
  samples: new Int16Array(8),
  sampleRate: 8_000,
});
const CLIPS = {
  intro: clip('intro'),
  numbers: [1, 2, 3].map((n) => clip(`number-${n}`)),
  outro: clip('outro'),
  hold: clip('hold'),
  full: clip('full'),
};

function setup(options: { maxLength?: number; maxWaitMs?: number; agentsOnLine?: boolean } = {}) {
  vi.useFakeTimers();
  const plays: { room: string; clips: string[]; loop?: string; stopped: boolean }[] = [];
  const dispatched: string[] = [];
  const waits: { waitedMs: number; position: number }[] = [];
  const hungUp: string[] = [];
  const taken = new Set<string>();
  const down: string[] = [];
  const state = { agentsOnLine: options.agentsOnLine ?? true };
  /** What each room was told, through which playback (its index in `plays`). */
  const notices: { room: string; play: number; notice: QueueNotice }[] = [];
  const queue = createLineQueue({
    speaker: {
      prepare: () => undefined,
      release: () => undefined,
      play(room, clips, loop) {
        const play = {
          room,
          clips: clips.map((each) => (each as unknown as { name: string }).name),
          ...(loop ? { loop: (loop as unknown as { name: string }).name } : {}),
          stopped: false,
        };
        plays.push(play);
        return {
          done: Promise.resolve(),
          stop: async () => void (play.stopped = true),
          send: async () => undefined,
          index: plays.length - 1,
        };
      },
    },
    clips: CLIPS,
    dispatch: async (room, wait) => {
      dispatched.push(room);
      waits.push(wait);
    },
    agentComing: async (room) => taken.has(room),
    hangUp: async (room) => void hungUp.push(room),
    agentsOnLine: () => state.agentsOnLine,
    lineDown: async (room) => void down.push(room),
    maxLength: options.maxLength ?? 5,
    maxWaitMs: options.maxWaitMs ?? 60_000,
    logger: pino({ level: 'silent' }),
    takeMs: 1_500,
    idleRetryMs: 5_000,
    freedWindowMs: 4_000,
    now: () => Date.now(),
    announce: (room, playback, notice) =>
      notices.push({ room, play: (playback as unknown as { index: number }).index, notice }),
  });
  queue.start();
  return { queue, plays, dispatched, waits, hungUp, taken, down, state, notices };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('line queue', () => {
  it('greets each caller with their position, then holds', () => {
    const { queue, plays } = setup();
    queue.enqueue('call-1', 'sip_1');
    queue.enqueue('call-2', 'sip_2');
    expect(plays).toEqual([
      { room: 'call-1', clips: ['intro', 'number-1', 'outro'], loop: 'hold', stopped: false },
      { room: 'call-2', clips: ['intro', 'number-2', 'outro'], loop: 'hold', stopped: false },
    ]);
    expect(queue.positionOf('call-2')).toBe(2);
  });

  it('connects the longest waiter first when an agent frees up, and stops its hold audio', async () => {
    const { queue, plays, dispatched, waits, taken } = setup();
    queue.enqueue('call-1', 'sip_1');
    queue.enqueue('call-2', 'sip_2');
    // The background retry tried the head at once (nobody took it within takeMs), telling the
    // agent how long the caller waited (for the call record); a free agent tries it again at once.
    await vi.advanceTimersByTimeAsync(1_800);
    expect(waits[0]).toMatchObject({ position: 1 });
    dispatched.length = 0;
    queue.agentFreed();
    await vi.advanceTimersByTimeAsync(10);
    expect(dispatched).toEqual(['call-1']);
    expect(waits.at(-1)!.waitedMs).toBeGreaterThanOrEqual(1_800);
    taken.add('call-1');
    await vi.advanceTimersByTimeAsync(3_000);
    expect(dispatched).toEqual(['call-1']);
    queue.agentJoined('call-1');
    expect(plays[0]!.stopped).toBe(true);
    expect(queue.positionOf('call-2')).toBe(1);
  });

  it('tries the head again every 250 ms for a while after an agent frees up', async () => {
    const { queue, dispatched } = setup();
    queue.enqueue('call-1', 'sip_1');
    await vi.advanceTimersByTimeAsync(5_000);
    dispatched.length = 0;
    queue.agentFreed();
    await vi.advanceTimersByTimeAsync(4_000);
    // Each untaken dispatch gets 1.5 s before the next: a worker reports its load every 2.5 s.
    expect(dispatched.length).toBeGreaterThanOrEqual(2);
    expect(dispatched.length).toBeLessThanOrEqual(3);
    dispatched.length = 0;
    await vi.advanceTimersByTimeAsync(4_000);
    expect(dispatched.length).toBeLessThanOrEqual(1);
  });

  it('tells a caller past the longest wait to call again later, and hangs up', async () => {
    const { queue, plays, hungUp } = setup({ maxWaitMs: 10_000 });
    queue.enqueue('call-1', 'sip_1');
    await vi.advanceTimersByTimeAsync(10_500);
    expect(plays[0]!.stopped).toBe(true);
    expect(plays[1]).toMatchObject({ room: 'call-1', clips: ['full'] });
    expect(hungUp).toEqual(['call-1']);
    expect(queue.length).toBe(0);
  });

  it('refuses a caller when the queue is full', async () => {
    const { queue, plays, hungUp } = setup({ maxLength: 1 });
    queue.enqueue('call-1', 'sip_1');
    queue.enqueue('call-2', 'sip_2');
    await vi.advanceTimersByTimeAsync(10);
    expect(plays[1]).toMatchObject({ room: 'call-2', clips: ['full'] });
    expect(hungUp).toEqual(['call-2']);
    expect(queue.length).toBe(1);
  });

  it('forgets a caller who hangs up while waiting', () => {
    const { queue, plays } = setup();
    queue.enqueue('call-1', 'sip_1');
    queue.callerLeft('call-1', 'sip_1');
    expect(queue.length).toBe(0);
    expect(plays[0]!.stopped).toBe(true);
  });

  it('tells every queued caller the line is down once no agent is left and no worker takes the call', async () => {
    const { queue, plays, down, state } = setup();
    queue.enqueue('call-1', 'sip_1');
    queue.enqueue('call-2', 'sip_2');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(down).toEqual([]);
    state.agentsOnLine = false;
    queue.agentFreed();
    // The last agent left its call: its worker is alive, so the queue keeps asking for a while.
    await vi.advanceTimersByTimeAsync(3_900);
    expect(down).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(down).toEqual(['call-1', 'call-2']);
    expect(plays.every((play) => play.stopped)).toBe(true);
    expect(queue.length).toBe(0);
  });

  it('connects the head when the last agent left and its worker took the call late', async () => {
    // A worker holds a queued caller's dispatch while the call that ended still counts on it: no
    // agent is on the line and no job shows in the dispatch for a second or two.
    const { queue, down, taken, state } = setup();
    queue.enqueue('call-1', 'sip_1');
    await vi.advanceTimersByTimeAsync(1_000);
    state.agentsOnLine = false;
    queue.agentFreed();
    await vi.advanceTimersByTimeAsync(2_500);
    taken.add('call-1');
    await vi.advanceTimersByTimeAsync(500);
    queue.agentJoined('call-1');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(down).toEqual([]);
    expect(queue.length).toBe(0);
  });

  it('tells each room its place on entering and whenever it moves up, through its hold voice', async () => {
    const { queue, notices } = setup();
    queue.enqueue('qa-1', 'tester-1');
    await vi.advanceTimersByTimeAsync(2_000);
    queue.enqueue('qa-2', 'tester-2');
    queue.enqueue('call-3', 'sip_3');
    expect(notices).toEqual([
      { room: 'qa-1', play: 0, notice: { state: 'waiting', position: 1, waitedMs: 0 } },
      { room: 'qa-2', play: 1, notice: { state: 'waiting', position: 2, waitedMs: 0 } },
      { room: 'call-3', play: 2, notice: { state: 'waiting', position: 3, waitedMs: 0 } },
    ]);
    notices.length = 0;
    await vi.advanceTimersByTimeAsync(1_000);
    queue.agentJoined('qa-1');
    expect(notices).toEqual([
      { room: 'qa-2', play: 1, notice: { state: 'waiting', position: 1, waitedMs: 1_000 } },
      { room: 'call-3', play: 2, notice: { state: 'waiting', position: 2, waitedMs: 1_000 } },
    ]);
    notices.length = 0;
    queue.callerLeft('call-3', 'sip_3');
    queue.roomClosed('nowhere');
    expect(notices).toEqual([]);
  });

  it('tells a room it is full through the voice that says so, before hanging up', async () => {
    const { queue, notices, plays, hungUp } = setup({ maxLength: 1, maxWaitMs: 10_000 });
    queue.enqueue('qa-1', 'tester-1');
    queue.enqueue('qa-2', 'tester-2');
    await vi.advanceTimersByTimeAsync(10);
    expect(notices.at(-1)).toEqual({ room: 'qa-2', play: 1, notice: { state: 'full' } });
    expect(plays[1]).toMatchObject({ room: 'qa-2', clips: ['full'] });
    expect(hungUp).toEqual(['qa-2']);
    await vi.advanceTimersByTimeAsync(10_500);
    expect(notices.at(-1)).toEqual({ room: 'qa-1', play: 2, notice: { state: 'full' } });
    expect(hungUp).toEqual(['qa-2', 'qa-1']);
  });
});
