// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { formatClock } from '../format';
import { orderTranscript, type TranscriptEntry } from '../record';
import { Transcript } from './Transcript';

afterEach(cleanup);

const t0 = new Date(2026, 0, 15, 14, 3, 0).getTime();
const entry = (
  id: string,
  speaker: TranscriptEntry['speaker'],
  text: string,
  at: number,
  final = true,
): TranscriptEntry => ({ id, speaker, text, final, at, receivedAt: at + 50 });

describe('Transcript', () => {
  it('lists both sides in conversation order with timestamps', () => {
    const entries = orderTranscript(
      [
        entry('a1', 'agent', 'Hello, how can I help?', t0 + 1_000),
        // The caller's transcript arrives after the agent started answering (Realtime model).
        entry('a2', 'agent', 'Order O9002 has shipped.', t0 + 9_000),
        entry('u1', 'user', 'Where is my order 9002?', t0 + 9_400),
      ],
      [
        { state: 'speaking', at: t0 + 900 },
        { state: 'listening', at: t0 + 3_000 },
        { state: 'thinking', at: t0 + 8_000 },
        { state: 'speaking', at: t0 + 9_100 },
      ],
    );
    render(<Transcript entries={entries} startedAt={t0} />);
    const lines = screen.getAllByRole('listitem');
    expect(
      lines.map((line) => within(line).getByText(/\S/, { selector: '.line-text' }).textContent),
    ).toEqual(['Hello, how can I help?', 'Where is my order 9002?', 'Order O9002 has shipped.']);
    expect(within(lines[0]!).getByText('Agent')).toBeInTheDocument();
    expect(within(lines[1]!).getByText('You')).toBeInTheDocument();

    const first = within(lines[0]!).getByText(formatClock(t0 + 1_000));
    expect(first.tagName).toBe('TIME');
    expect(first).toHaveAttribute('dateTime', new Date(t0 + 1_000).toISOString());
    expect(within(lines[0]!).getByText('+0:01.0')).toBeInTheDocument();
    // The caller's line sits just before the agent left listening for the answer.
    expect(within(lines[1]!).getByText('+0:08.0')).toBeInTheDocument();
  });

  it('announces finished lines through an aria-live region', () => {
    const { rerender } = render(
      <Transcript
        entries={orderTranscript([entry('u1', 'user', 'Where is my ord', t0, false)], [])}
      />,
    );
    const announcer = screen.getByTestId('transcript-announcer');
    expect(announcer).toHaveAttribute('aria-live', 'polite');
    expect(announcer).toBeEmptyDOMElement();
    expect(screen.getByText('(still transcribing)')).toBeInTheDocument();

    rerender(
      <Transcript
        entries={orderTranscript(
          [
            entry('u1', 'user', 'Where is my order?', t0),
            entry('a1', 'agent', 'Let me check', t0 + 2_000, false),
          ],
          [],
        )}
      />,
    );
    expect(announcer).toHaveTextContent('You: Where is my order?');
    expect(screen.getByRole('region', { name: 'Transcript lines' })).toHaveAttribute(
      'tabindex',
      '0',
    );
  });

  it('shows an empty state', () => {
    render(<Transcript entries={[]} />);
    expect(screen.getByText(/appears here/)).toBeInTheDocument();
  });
});
