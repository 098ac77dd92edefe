import { describe, expect, it } from 'vitest';
import {
  currentQueue,
  emptyRecord,
  orderTranscript,
  recordFileName,
  recordReducer,
  type RecordAction,
  type TranscriptEntry,
} from './record';

const reduce = (actions: RecordAction[]) => actions.reduce(recordReducer, emptyRecord());

const line = (
  id: string,
  speaker: TranscriptEntry['speaker'],
  at: number,
  text = id,
  final = true,
): Omit<TranscriptEntry, 'receivedAt'> => ({ id, speaker, text, final, at });

describe('recordReducer', () => {
  it('updates a transcript segment in place and keeps its first time', () => {
    const record = reduce([
      { type: 'start', at: 1, settings: { phoneAudio: false } },
      { type: 'transcript', entry: line('s1', 'user', 100, 'Where is', false), receivedAt: 110 },
      {
        type: 'transcript',
        entry: line('s1', 'user', 300, 'Where is my order?', true),
        receivedAt: 310,
      },
    ]);
    expect(record.transcript).toEqual([
      {
        id: 's1',
        speaker: 'user',
        text: 'Where is my order?',
        final: true,
        at: 100,
        receivedAt: 110,
      },
    ]);
  });

  it('settles the agent’s streamed lines when the agent listens again or a new line starts', () => {
    let record = reduce([
      { type: 'start', at: 1, settings: { phoneAudio: false } },
      { type: 'transcript', entry: line('a1', 'agent', 100, 'Hello', false), receivedAt: 110 },
    ]);
    expect(record.transcript[0]!.final).toBe(false);
    record = recordReducer(record, {
      type: 'transcript',
      entry: line('a2', 'agent', 200, 'Next', false),
      receivedAt: 210,
    });
    expect(record.transcript.map((e) => e.final)).toEqual([true, false]);
    record = recordReducer(record, {
      type: 'agent_event',
      event: { type: 'agent_state', v: 1, at: 300, state: 'listening' },
      receivedAt: 310,
    });
    expect(record.transcript.map((e) => e.final)).toEqual([true, true]);
  });

  it('starts afresh and ends once', () => {
    let record = reduce([
      { type: 'start', at: 1, settings: { phoneAudio: true } },
      { type: 'dtmf', digit: '9', code: 9, at: 5 },
      { type: 'end', at: 10, reason: 'ended_by_tester' },
      { type: 'end', at: 20, reason: 'ROOM_DELETED' },
    ]);
    expect(record.endedAt).toBe(10);
    expect(record.endReason).toBe('ended_by_tester');
    record = recordReducer(record, { type: 'start', at: 30, settings: { phoneAudio: false } });
    expect(record.dtmf).toEqual([]);
    expect(record.startedAt).toBe(30);
  });
});

describe('orderTranscript', () => {
  const states = [
    { state: 'listening' as const, at: 1_000 },
    { state: 'thinking' as const, at: 5_000 },
    { state: 'speaking' as const, at: 5_800 },
    { state: 'listening' as const, at: 9_000 },
  ];

  it('puts a caller line that arrived during the answer before the answer', () => {
    const ordered = orderTranscript(
      [line('a', 'agent', 5_900), line('u', 'user', 6_200)].map((e) => ({ ...e, receivedAt: 0 })),
      states,
    );
    expect(ordered.map((e) => [e.id, e.orderAt])).toEqual([
      ['u', 4_999],
      ['a', 5_900],
    ]);
  });

  it('leaves lines that arrived while the agent listened where they are', () => {
    const ordered = orderTranscript(
      [line('u', 'user', 9_500), line('a', 'agent', 5_900)].map((e) => ({ ...e, receivedAt: 0 })),
      states,
    );
    expect(ordered.map((e) => [e.id, e.orderAt])).toEqual([
      ['a', 5_900],
      ['u', 9_500],
    ]);
  });

  it('keeps arrival order for equal times and works without agent states', () => {
    const ordered = orderTranscript(
      [line('x', 'agent', 10), line('y', 'user', 10)].map((e) => ({ ...e, receivedAt: 0 })),
      [],
    );
    expect(ordered.map((e) => e.id)).toEqual(['x', 'y']);
  });
});

describe('recordFileName', () => {
  it('names the room and the start time', () => {
    const record = {
      ...emptyRecord(),
      room: 'qa-0123456789abcdef0123',
      startedAt: Date.UTC(2026, 0, 15, 14, 3, 7),
    };
    expect(recordFileName(record)).toBe('qa-qa-0123456789abcdef0123-2026-01-15T14-03-07-000.json');
  });
});

describe('currentQueue', () => {
  const queued = (state: 'waiting' | 'connected' | 'full', at: number, receivedAt: number) =>
    ({
      type: 'agent_event',
      event: { type: 'queue', v: 1, at, state, position: 1 },
      receivedAt,
    }) as const;

  it('is undefined for a session never queued, then the latest report', () => {
    expect(currentQueue(emptyRecord().queue)).toBeUndefined();
    const record = reduce([
      { type: 'start', at: 1, settings: { phoneAudio: false } },
      queued('waiting', 100, 110),
      queued('connected', 900, 910),
    ]);
    expect(record.queue).toHaveLength(2);
    expect(currentQueue(record.queue)).toMatchObject({ state: 'connected', receivedAt: 910 });
  });

  it("keeps the agent's connected over a switchboard update sent before it but received after", () => {
    const record = reduce([
      { type: 'start', at: 1, settings: { phoneAudio: false } },
      queued('connected', 900, 910),
      queued('waiting', 899, 920),
    ]);
    expect(currentQueue(record.queue)?.state).toBe('connected');
  });

  it('starts empty with each new session', () => {
    const record = reduce([
      { type: 'start', at: 1, settings: { phoneAudio: false } },
      queued('waiting', 100, 110),
      { type: 'start', at: 2, settings: { phoneAudio: false } },
    ]);
    expect(record.queue).toEqual([]);
  });
});
