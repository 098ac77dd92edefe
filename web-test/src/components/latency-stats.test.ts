import { describe, expect, it } from 'vitest';
import { latestPerTurn, percentile, summarizeLatency } from './latency-stats';

describe('percentile (nearest rank)', () => {
  it('picks measured values', () => {
    const values = [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000];
    expect(percentile(values, 50)).toBe(500);
    expect(percentile(values, 95)).toBe(1000);
    expect(percentile([5, 1, 3], 50)).toBe(3);
    expect(percentile([42], 95)).toBe(42);
  });

  it('handles empty input and rejects nonsense', () => {
    expect(percentile([], 50)).toBeUndefined();
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('p95 of 20 values is the 19th smallest', () => {
    const values = Array.from({ length: 20 }, (_, i) => (i + 1) * 10);
    expect(percentile(values, 95)).toBe(190);
    expect(percentile(values, 50)).toBe(100);
  });
});

describe('summarizeLatency', () => {
  it('summarizes each metric over the turns that carry it', () => {
    const summary = summarizeLatency([
      { turn: 1, endOfSpeechToFirstAudioMs: 1200, ttftMs: 300, toolMs: 0 },
      { turn: 2, endOfSpeechToFirstAudioMs: 800, ttftMs: 250, toolMs: 400, eouDelayMs: 600 },
      { turn: 3, toolMs: 0 }, // not answered
      { turn: 4, endOfSpeechToFirstAudioMs: 2000, ttftMs: 500, toolMs: 1200 },
    ]);
    expect(summary.endOfSpeechToFirstAudioMs).toEqual({
      count: 3,
      p50: 1200,
      p95: 2000,
      max: 2000,
    });
    expect(summary.toolMs).toEqual({ count: 4, p50: 0, p95: 1200, max: 1200 });
    expect(summary.eouDelayMs).toEqual({ count: 1, p50: 600, p95: 600, max: 600 });
  });

  it('keeps the last report of a turn', () => {
    const turns = latestPerTurn([
      { turn: 2, toolMs: 1 },
      { turn: 1, toolMs: 5 },
      { turn: 2, toolMs: 9 },
    ]);
    expect(turns).toEqual([
      { turn: 1, toolMs: 5 },
      { turn: 2, toolMs: 9 },
    ]);
  });
});
