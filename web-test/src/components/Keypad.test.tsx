// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Keypad, dtmfCode } from './Keypad';

afterEach(cleanup);

describe('dtmfCode (RFC 4733)', () => {
  it('maps digits, star and pound', () => {
    expect(['0', '1', '5', '9', '*', '#'].map(dtmfCode)).toEqual([0, 1, 5, 9, 10, 11]);
    expect(dtmfCode('A')).toBeUndefined();
    expect(dtmfCode('12')).toBeUndefined();
  });
});

describe('Keypad', () => {
  it('sends each key through the publisher with its DTMF code', async () => {
    const user = userEvent.setup();
    const publish = vi.fn<(code: number, digit: string) => Promise<void>>(() => Promise.resolve());
    const onSent = vi.fn();
    render(<Keypad publish={publish} onSent={onSent} />);
    for (const name of ['Send 9', 'Send 0', 'Send star', 'Send pound'])
      await user.click(screen.getByRole('button', { name }));
    expect(publish.mock.calls).toEqual([
      [9, '9'],
      [0, '0'],
      [10, '*'],
      [11, '#'],
    ]);
    expect(onSent).toHaveBeenLastCalledWith('#', 11);
    expect(screen.getByText('Sent: 90*#')).toBeInTheDocument();
  });

  it('is keyboard operable: Tab to a key, Enter/Space press it, typed digits are sent', async () => {
    const user = userEvent.setup();
    const publish = vi.fn(() => Promise.resolve());
    render(<Keypad publish={publish} />);
    await user.tab();
    expect(screen.getByRole('button', { name: 'Send 1' })).toHaveFocus();
    await user.keyboard('{Enter}');
    await user.tab();
    expect(screen.getByRole('button', { name: 'Send 2' })).toHaveFocus();
    await user.keyboard(' ');
    await user.keyboard('9002#');
    expect(publish.mock.calls).toEqual([
      [1, '1'],
      [2, '2'],
      [9, '9'],
      [0, '0'],
      [0, '0'],
      [2, '2'],
      [11, '#'],
    ]);
    expect(screen.getByRole('group', { name: 'Keypad' })).toBeInTheDocument();
  });

  it('is disabled without a session and reports send failures', async () => {
    const user = userEvent.setup();
    const { rerender } = render(<Keypad publish={undefined} />);
    expect(screen.getByRole('button', { name: 'Send 5' })).toBeDisabled();
    expect(screen.getByText('Start a session to use the keypad.')).toBeInTheDocument();

    rerender(<Keypad publish={() => Promise.reject(new Error('not connected'))} />);
    await user.click(screen.getByRole('button', { name: 'Send 5' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not send 5: not connected');
  });
});
