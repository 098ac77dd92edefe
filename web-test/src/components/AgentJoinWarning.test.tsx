// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AgentJoinWarning } from './AgentJoinWarning';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('AgentJoinWarning', () => {
  it('warns after 10 s without an agent, with what to check', () => {
    render(<AgentJoinWarning waiting roomName="qa-0123456789abcdef0123" />);
    act(() => vi.advanceTimersByTime(9_999));
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    act(() => vi.advanceTimersByTime(1));
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('The agent has not joined after 10 seconds');
    expect(alert).toHaveTextContent('npm run agent -- dev');
    expect(alert).toHaveTextContent('AGENT_NAME');
    expect(alert).toHaveTextContent('qa-0123456789abcdef0123');
  });

  it('stays quiet when the agent joins in time, and goes away when it joins late', () => {
    const { rerender } = render(<AgentJoinWarning waiting roomName="qa-1" />);
    act(() => vi.advanceTimersByTime(5_000));
    rerender(<AgentJoinWarning waiting={false} roomName="qa-1" />);
    act(() => vi.advanceTimersByTime(20_000));
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();

    rerender(<AgentJoinWarning waiting roomName="qa-1" />);
    act(() => vi.advanceTimersByTime(10_000));
    expect(screen.getByRole('alert')).toBeInTheDocument();
    rerender(<AgentJoinWarning waiting={false} roomName="qa-1" />);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('stays quiet while the session waits in the call queue, and counts again after it', () => {
    const { rerender } = render(<AgentJoinWarning waiting queued={false} roomName="qa-1" />);
    act(() => vi.advanceTimersByTime(2_000));
    rerender(<AgentJoinWarning waiting queued roomName="qa-1" />);
    act(() => vi.advanceTimersByTime(60_000));
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    rerender(<AgentJoinWarning waiting queued={false} roomName="qa-1" />);
    act(() => vi.advanceTimersByTime(9_999));
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    act(() => vi.advanceTimersByTime(1));
    expect(screen.getByRole('alert')).toBeInTheDocument();
  });
});
