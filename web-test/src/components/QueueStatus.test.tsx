// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { QueueEntry } from '../record';
import { formatWait, formatWaitClock, QueueStatus } from './QueueStatus';

const START = 1_763_632_800_000;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(START);
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const entry = (fields: Partial<QueueEntry> & Pick<QueueEntry, 'state'>): QueueEntry => ({
  at: START,
  receivedAt: START,
  ...fields,
});

describe('QueueStatus', () => {
  it('shows nothing for a session that was never queued', () => {
    const { container } = render(<QueueStatus queue={undefined} now={Date.now} />);
    expect(container).toBeEmptyDOMElement();
  });

  it('shows the place in line and a wait that counts up between reports', () => {
    render(
      <QueueStatus
        queue={entry({ state: 'waiting', position: 2, waitedMs: 10_000 })}
        now={Date.now}
      />,
    );
    expect(screen.getByRole('status')).toHaveTextContent('In queue — position 2 · waiting 0:10');
    act(() => vi.advanceTimersByTime(2_000));
    expect(screen.getByRole('status')).toHaveTextContent('In queue — position 2 · waiting 0:12');
  });

  it('stops counting when the session ends in the queue', () => {
    render(
      <QueueStatus
        queue={entry({ state: 'waiting', position: 1, waitedMs: 0 })}
        now={Date.now}
        endedAt={START + 5_000}
      />,
    );
    act(() => vi.advanceTimersByTime(20_000));
    expect(screen.getByRole('status')).toHaveTextContent('waiting 0:05');
  });

  it('shows how long the session waited once the agent came', () => {
    render(
      <QueueStatus
        queue={entry({ state: 'connected', position: 2, waitedMs: 12_345 })}
        now={Date.now}
      />,
    );
    expect(screen.getByRole('status')).toHaveTextContent('Waited 12 s in queue (position 2)');
  });

  it('says so when the queue is full', () => {
    render(<QueueStatus queue={entry({ state: 'full' })} now={Date.now} />);
    expect(screen.getByRole('status')).toHaveTextContent('The queue is full');
  });

  it('formats waits', () => {
    expect(formatWaitClock(72_900)).toBe('1:12');
    expect(formatWaitClock(-5)).toBe('0:00');
    expect(formatWait(12_499)).toBe('12 s');
    expect(formatWait(125_000)).toBe('2 min 05 s');
  });
});
