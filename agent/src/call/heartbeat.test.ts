import { AGENT_HEARTBEAT_ATTRIBUTE } from '@ecommerce-voicebot/contracts';
import { describe, expect, it, vi } from 'vitest';
import { startHeartbeat } from './heartbeat.js';

describe('startHeartbeat', () => {
  it('counts up in the heartbeat attribute until stopped', async () => {
    vi.useFakeTimers();
    try {
      const sent: string[] = [];
      const stop = startHeartbeat(
        {
          setAttributes: async (attributes) => {
            sent.push(attributes[AGENT_HEARTBEAT_ATTRIBUTE]!);
          },
        },
        { intervalMs: 1_000 },
      );
      await vi.advanceTimersByTimeAsync(2_500);
      stop();
      await vi.advanceTimersByTimeAsync(5_000);
      expect(sent).toEqual(['1', '2', '3']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reports a failing beat once and keeps beating', async () => {
    vi.useFakeTimers();
    try {
      const failures: unknown[] = [];
      let calls = 0;
      const stop = startHeartbeat(
        {
          setAttributes: async () => {
            calls += 1;
            throw new Error('room closing');
          },
        },
        { intervalMs: 1_000, onFailure: (error) => failures.push(error) },
      );
      await vi.advanceTimersByTimeAsync(3_000);
      stop();
      expect(calls).toBe(4);
      expect(failures).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
