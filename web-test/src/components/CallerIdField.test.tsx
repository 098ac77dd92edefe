// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { CallerIdField } from './CallerIdField';

afterEach(cleanup);

function Harness({ showError = false }: { showError?: boolean }) {
  const [value, setValue] = useState('');
  return (
    <>
      <CallerIdField value={value} onChange={setValue} showError={showError} />
      <button type="button">elsewhere</button>
    </>
  );
}

describe('CallerIdField', () => {
  it('is labelled and optional: empty is valid', async () => {
    const user = userEvent.setup();
    render(<Harness />);
    const input = screen.getByLabelText(/Caller ID/);
    await user.click(input);
    await user.tab();
    expect(input).toHaveAttribute('aria-invalid', 'false');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('explains what is wrong with a number that is not E.164, once the field is left', async () => {
    const user = userEvent.setup();
    render(<Harness />);
    const input = screen.getByLabelText(/Caller ID/);
    await user.type(input, '4155550100');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    await user.tab();
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByRole('alert')).toHaveTextContent('Start with + and the country code');
    expect(input).toHaveAccessibleDescription(/Start with \+/);

    await user.clear(input);
    await user.type(input, '+0415555');
    expect(screen.getByRole('alert')).toHaveTextContent('Use E.164');

    await user.clear(input);
    await user.type(input, '+1 415 555 0100');
    expect(input).toHaveAttribute('aria-invalid', 'false');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows the error without blur when asked (after pressing Start)', async () => {
    const user = userEvent.setup();
    const { rerender } = render(<Harness />);
    await user.type(screen.getByLabelText(/Caller ID/), '12');
    rerender(<Harness showError />);
    expect(screen.getByRole('alert')).toBeInTheDocument();
  });
});
