// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { LatencyEvent } from '@ecommerce-voicebot/contracts';
import type { Received } from '../record';
import { LatencyPanel } from './LatencyPanel';

afterEach(cleanup);

const at = 1763632804000;
const turn = (
  n: number,
  fields: Partial<Omit<LatencyEvent, 'type' | 'v' | 'at' | 'turn'>>,
): Received<LatencyEvent> => ({
  type: 'latency',
  v: 1,
  at: at + n * 10_000,
  turn: n,
  toolMs: 0,
  receivedAt: at + n * 10_000 + 5,
  ...fields,
});

const turns = [
  turn(1, { endOfSpeechToFirstAudioMs: 1350, eouDelayMs: 612, ttftMs: 322, toolMs: 380 }),
  turn(2, { endOfSpeechToFirstAudioMs: 900, ttftMs: 280 }),
  turn(3, { endOfSpeechToFirstAudioMs: 2400, ttftMs: 700, toolMs: 1500 }),
  turn(4, {}), // the agent did not answer
];

describe('LatencyPanel', () => {
  it('shows the session p50/p95 of end of speech → first audio', () => {
    render(<LatencyPanel turns={turns} />);
    expect(
      screen.getByText(
        (_, element) =>
          element?.tagName === 'P' &&
          element.textContent ===
            'End of speech → first agent audio: p50 1.35 s, p95 2.40 s over 3 answered turns.',
      ),
    ).toBeInTheDocument();
    const stats = screen.getByRole('table', { name: 'Session latency percentiles' });
    const e2fa = within(stats).getByRole('row', { name: /End of speech → first audio/ });
    expect(
      within(e2fa)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toEqual(['1.35 s', '2.40 s', '2.40 s', '3']);
    const ttft = within(stats).getByRole('row', { name: /Model time/ });
    expect(
      within(ttft)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toEqual(['322 ms', '700 ms', '700 ms', '3']);
    const tools = within(stats).getByRole('row', { name: /Tool time/ });
    expect(within(tools).getAllByRole('cell')[0]).toHaveTextContent('0 ms');
    expect(within(tools).getAllByRole('cell')[1]).toHaveTextContent('1.50 s');
  });

  it('has one row per turn, with the turn that got no answer marked', () => {
    render(<LatencyPanel turns={turns} />);
    const table = screen.getByRole('table', { name: 'Latency per turn' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(4);
    expect(within(rows[0]!).getByRole('rowheader')).toHaveTextContent('1');
    expect(
      within(rows[0]!)
        .getAllByRole('cell')
        .slice(0, 4)
        .map((c) => c.textContent),
    ).toEqual(['1.35 s', '322 ms', '380 ms', '612 ms']);
    expect(within(rows[3]!).getAllByRole('cell')[0]).toHaveTextContent('no answer');
  });

  it('draws the chart with one point per turn and metric', () => {
    const { container } = render(<LatencyPanel turns={turns} />);
    expect(screen.getByRole('img', { name: /Latency per turn/ })).toBeInTheDocument();
    expect(container.querySelectorAll('.series-e2fa circle')).toHaveLength(3);
    expect(container.querySelectorAll('.series-tool circle')).toHaveLength(4);
    expect(container.querySelector('.p95-line text')).toHaveTextContent('p95 2.40 s');
  });

  it('explains the empty state', () => {
    render(<LatencyPanel turns={[]} />);
    expect(screen.getByText(/No turns yet/)).toBeInTheDocument();
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
  });
});
