import { describe, expect, it } from 'vitest';
import { diffEvents } from './event-diff.js';
import { formatReport } from './report.js';
import type { SmokeReport } from './smoke.js';

const report = (over: Partial<SmokeReport> = {}): SmokeReport => ({
  model: 'openai',
  ok: true,
  checks: [{ name: 'greeting heard', ok: true, detail: '640 ms after the 200 OK' }],
  turns: [
    { turn: 0, what: 'greeting', firstAudibleMs: 640 },
    {
      turn: 1,
      what: 'Where is my order nine zero zero two?',
      firstAudibleMs: 1203,
      ttftMs: 420,
      toolMs: 9,
    },
  ],
  eventsFile: 'test-artifacts/smoke/openai.events.jsonl',
  stackLog: 'test-artifacts/smoke/openai.stack.log',
  eventCounts: { client: 9, server: 80 },
  comparison: {
    baseline: 'test-artifacts/smoke/emulator.events.jsonl',
    baselineSource: 'saved',
    diff: diffEvents([], []),
  },
  ...over,
});

describe('formatReport', () => {
  it('prints the checks, the latency per turn and the comparison', () => {
    const text = formatReport(report());
    expect(text).toContain('model: OpenAI Realtime (real service): PASSED');
    expect(text).toContain('[ok] greeting heard: 640 ms after the 200 OK');
    expect(text).toMatch(/1 {5}Where is my order nine zero zero two\? +1203 +- +- +420 +9/);
    expect(text).toContain('saved by an earlier --model emulator run');
    expect(text).toMatch(
      /emulator\.events\.jsonl \(saved by an earlier --model emulator run\):\n {2}none\n/,
    );
    expect(text).not.toContain('FAILED');
  });

  it('names each failed check at the end, and prints the differences', () => {
    const diff = diffEvents(
      [{ direction: 'server', type: 'a', event: { type: 'a', n: 1 } }],
      [
        { direction: 'server', type: 'a', event: { type: 'a', n: 'x' } },
        { direction: 'server', type: 'b', event: { type: 'b' } },
      ],
    );
    const text = formatReport(
      report({
        ok: false,
        checks: [
          { name: 'audible answer', ok: false, detail: 'no audible answer within 20000 ms' },
        ],
        comparison: { baseline: 'x', baselineSource: 'just-run', diff },
      }),
    );
    expect(text).toContain(': FAILED');
    expect(text).toContain('[FAIL] audible answer');
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      'FAILED: audible answer: no audible answer within 20000 ms',
    );
    expect(text).toContain('+ b');
    expect(text).toContain('event types received by the plugin only in openai: b');
    expect(text).toContain('server a: n: emulator number, openai string');
  });
});
