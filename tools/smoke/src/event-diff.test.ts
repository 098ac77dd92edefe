import { describe, expect, it } from 'vitest';
import { alignSteps, collectShape, diffEvents, orderSteps, parentPath } from './event-diff.js';
import type { Direction, RealtimeEvent } from './realtime-events.js';

const ev = (
  direction: Direction,
  type: string,
  extra: Record<string, unknown> = {},
): RealtimeEvent => ({
  direction,
  type,
  event: { type, event_id: `evt_${Math.random()}`, ...extra },
});

const answer = (deltas: number): RealtimeEvent[] => [
  ev('server', 'response.created', { response: { id: 'r1', status: 'in_progress' } }),
  ...Array.from({ length: deltas }, (_, i) => [
    ev('server', 'response.output_audio_transcript.delta', { delta: `w${i}` }),
    ev('server', 'response.output_audio.delta', { delta: 'AAAA' }),
  ]).flat(),
  ev('server', 'response.done', { response: { id: 'r1', usage: { total_tokens: 3 } } }),
];

describe('orderSteps', () => {
  it('counts a run of deltas of any types as one step and leaves out the audio appends', () => {
    const events = [
      ev('client', 'session.update'),
      ev('client', 'input_audio_buffer.append'),
      ev('client', 'response.create'),
      ...answer(3),
    ];
    expect(orderSteps(events, 'client')).toEqual(['session.update', 'response.create']);
    expect(orderSteps(events, 'server')).toEqual([
      'response.created',
      'deltas(response.output_audio.delta, response.output_audio_transcript.delta)',
      'response.done',
    ]);
  });
});

describe('alignSteps', () => {
  it('marks steps only in the baseline as missing and only in the other run as extra', () => {
    expect(
      alignSteps(['a', 'b', 'c', 'd'], ['a', 'c', 'x', 'd']).filter((s) => s.op !== 'same'),
    ).toEqual([
      { op: 'missing', step: 'b' },
      { op: 'extra', step: 'x' },
    ]);
    expect(alignSteps([], ['a'])).toEqual([{ op: 'extra', step: 'a' }]);
  });
});

describe('collectShape / parentPath', () => {
  it('lists field paths with their kinds, arrays as []', () => {
    const shape = collectShape({ a: { b: [{ c: 1 }, { c: 'x' }] }, d: null });
    expect(Object.fromEntries([...shape].map(([k, v]) => [k, [...v].sort()]))).toEqual({
      a: ['object'],
      'a.b': ['array'],
      'a.b[]': ['object'],
      'a.b[].c': ['number', 'string'],
      d: ['null'],
    });
    expect(parentPath('a.b[].c')).toBe('a.b[]');
    expect(parentPath('a.b[]')).toBe('a.b');
    expect(parentPath('a')).toBeUndefined();
  });
});

describe('diffEvents', () => {
  it('finds nothing between runs that differ only in ids, values, timing and delta counts', () => {
    const diff = diffEvents(
      [ev('client', 'response.create'), ...answer(2)],
      [ev('client', 'response.create'), ...answer(40)],
    );
    expect(diff.same).toBe(true);
  });

  it('reports order, missing and extra types, and field shapes', () => {
    const baseline = [ev('client', 'session.update'), ...answer(1)];
    const actual = [
      ev('client', 'session.update'),
      ev('server', 'rate_limits.updated', { rate_limits: [] }),
      ...answer(1).map((e) =>
        e.type === 'response.done'
          ? {
              ...e,
              event: {
                ...e.event,
                response: { id: 'r', usage: { total_tokens: '3' }, x: { y: 1 } },
              },
            }
          : e,
      ),
    ];
    const diff = diffEvents(baseline, actual);
    expect(diff.same).toBe(false);
    const server = diff.directions.find((d) => d.direction === 'server')!;
    expect(server.order).toEqual([{ op: 'extra', step: 'rate_limits.updated' }]);
    expect(server.extraTypes).toEqual(['rate_limits.updated']);
    expect(server.missingTypes).toEqual([]);
    expect(diff.shapes).toEqual([
      {
        direction: 'server',
        type: 'response.done',
        path: 'response.usage.total_tokens',
        baseline: 'number',
        actual: 'string',
      },
      // response.x.y is left out: its parent is already reported absent in the baseline.
      {
        direction: 'server',
        type: 'response.done',
        path: 'response.x',
        baseline: '',
        actual: 'object',
      },
    ]);
  });
});

describe('diffEvents without shapes', () => {
  it('compares event types only', () => {
    const a = [ev('server', 'a', { n: 1 })];
    const b = [ev('server', 'a', { n: 'x' })];
    expect(diffEvents(a, b).same).toBe(false);
    expect(diffEvents(a, b, { shapes: false }).same).toBe(true);
  });
});

describe('session.created', () => {
  it('is left out of order and types (logged or not by timing), its shape still compared', () => {
    const created = (extra: Record<string, unknown>) => ev('server', 'session.created', extra);
    expect(diffEvents([created({ s: 1 })], []).same).toBe(true);
    const diff = diffEvents([created({ s: 1 })], [created({ s: 1, extra: true })]);
    expect(diff.directions.every((d) => d.order.length === 0)).toBe(true);
    expect(diff.shapes.map((s) => s.path)).toEqual(['extra']);
  });
});
