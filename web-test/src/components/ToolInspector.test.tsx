// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAgentEvent, type ToolCallEvent } from '@ecommerce-voicebot/contracts';
import type { Received } from '../record';
import { ToolInspector } from './ToolInspector';
import { toolCallMessage } from '../testing/agent-event-fixtures';

afterEach(cleanup);

/** The <dd> that follows the <dt> named `term`. */
function definition(scope: ReturnType<typeof within>, term: string): HTMLElement {
  const dd = scope.getByText(term, { selector: 'dt' }).nextElementSibling;
  if (!(dd instanceof HTMLElement)) throw new Error(`no definition for ${term}`);
  return dd;
}

/** Tool calls as the agent publishes them, through the same runtime check the page uses. */
function received(message: unknown, receivedAt = 1763632801600): Received<ToolCallEvent> {
  const parsed = parseAgentEvent(message);
  if (!parsed.ok || parsed.event.type !== 'tool_call') throw new Error('not a tool_call');
  return { ...parsed.event, receivedAt };
}

const okCall = received(toolCallMessage());

const timedOut = received({
  type: 'tool_call',
  v: 1,
  at: 1763632805000,
  callId: 'call_Xyz',
  name: 'get_delivery_status',
  args: { tracking_number: '1Z999' },
  status: 'timeout',
  durationMs: 5000,
  error: 'The tool did not answer within 5 seconds',
});

const truncated = received({
  type: 'tool_call',
  v: 1,
  at: 1763632806000,
  callId: 'call_Big',
  name: 'search_products',
  args: { query: 'headphones' },
  status: 'ok',
  durationMs: 42,
  result: '{"matches":[{"product_id":"P1',
  truncated: true,
});

describe('ToolInspector', () => {
  it('shows each call with its arguments, result, status and duration', () => {
    render(<ToolInspector calls={[okCall, timedOut]} startedAt={1763632800000} />);
    const items = screen.getAllByRole('listitem');
    expect(items).toHaveLength(2);

    const first = within(items[0]!);
    expect(first.getByText('get_order_status')).toBeInTheDocument();
    expect(first.getByText('OK')).toBeInTheDocument();
    expect(first.getByText('380 ms')).toBeInTheDocument();
    expect(JSON.parse(definition(first, 'Arguments').textContent ?? '')).toEqual({
      order_id: 'O9002',
    });
    expect(JSON.parse(definition(first, 'Result').textContent ?? '')).toEqual({
      order_id: 'O9002',
      order_status: 'Shipped',
    });
    expect(items[0]).toHaveAccessibleName('get_order_status: OK, 380 ms');
  });

  it('marks failed calls and shows the error the model was given', () => {
    render(<ToolInspector calls={[okCall, timedOut]} />);
    const second = within(screen.getAllByRole('listitem')[1]!);
    expect(second.getByText('Timed out')).toBeInTheDocument();
    expect(second.getByText('5.00 s')).toBeInTheDocument();
    expect(definition(second, 'Error')).toHaveTextContent(
      'The tool did not answer within 5 seconds',
    );
    expect(JSON.parse(definition(second, 'Arguments').textContent ?? '')).toEqual({
      tracking_number: '1Z999',
    });
    expect(second.queryByText('Result')).not.toBeInTheDocument();
    expect(screen.getByText('2 calls, 1 not OK, 5.38 s in tools.')).toBeInTheDocument();
  });

  it('says when a result was truncated by the agent', () => {
    render(<ToolInspector calls={[truncated]} />);
    expect(screen.getByText('(truncated by the agent)')).toBeInTheDocument();
    expect(screen.getByText('{"matches":[{"product_id":"P1')).toBeInTheDocument();
  });

  it('says when there are no calls and counts ignored messages', () => {
    render(<ToolInspector calls={[]} malformed={2} />);
    expect(screen.getByText('No tool calls yet.')).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('2 agent.events messages did not match');
  });
});
