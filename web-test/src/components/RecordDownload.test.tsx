// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseAgentEvent } from '@ecommerce-voicebot/contracts';
import {
  currentQueue,
  emptyRecord,
  orderTranscript,
  recordReducer,
  type RecordAction,
  type SessionRecord,
} from '../record';
import { LatencyPanel } from './LatencyPanel';
import { QueueStatus } from './QueueStatus';
import { RecordDownload } from './RecordDownload';
import { ToolInspector } from './ToolInspector';
import { Transcript } from './Transcript';
import { toolCallMessage } from '../testing/agent-event-fixtures';

afterEach(cleanup);

const t0 = 1763632800000;

function agentEvent(message: unknown, receivedAt: number): RecordAction {
  const parsed = parseAgentEvent(message);
  if (!parsed.ok) throw new Error(parsed.reason);
  return { type: 'agent_event', event: parsed.event, receivedAt };
}

/** A short session, fed through the same reducer the page uses. */
const actions: RecordAction[] = [
  { type: 'start', at: t0, settings: { phoneAudio: true, callerNumberMasked: '*********00' } },
  {
    type: 'connected',
    room: 'qa-0123456789abcdef0123',
    identity: 'tester-1',
    serverUrl: 'ws://lk',
  },
  // Every agent was busy: the switchboard's voice tells the place in line as it moves up.
  agentEvent(
    { type: 'queue', v: 1, at: t0 + 300, state: 'waiting', position: 2, waitedMs: 0 },
    t0 + 310,
  ),
  agentEvent(
    { type: 'queue', v: 1, at: t0 + 500, state: 'waiting', position: 1, waitedMs: 200 },
    t0 + 510,
  ),
  { type: 'agent_joined', identity: 'agent-AJ_1', at: t0 + 800 },
  agentEvent(
    { type: 'queue', v: 1, at: t0 + 850, state: 'connected', position: 2, waitedMs: 12_345 },
    t0 + 860,
  ),
  agentEvent({ type: 'agent_state', v: 1, at: t0 + 900, state: 'speaking' }, t0 + 910),
  {
    type: 'transcript',
    entry: {
      id: 'seg-a1',
      speaker: 'agent',
      text: 'Hi! How can I help?',
      final: false,
      at: t0 + 950,
    },
    receivedAt: t0 + 960,
  },
  agentEvent({ type: 'agent_state', v: 1, at: t0 + 3_000, state: 'listening' }, t0 + 3_010),
  agentEvent({ type: 'agent_state', v: 1, at: t0 + 7_000, state: 'thinking' }, t0 + 7_010),
  agentEvent(toolCallMessage(t0 + 7_500), t0 + 7_510),
  agentEvent({ type: 'agent_state', v: 1, at: t0 + 8_100, state: 'speaking' }, t0 + 8_110),
  {
    type: 'transcript',
    entry: {
      id: 'seg-a2',
      speaker: 'agent',
      text: 'It has shipped.',
      final: false,
      at: t0 + 8_150,
    },
    receivedAt: t0 + 8_160,
  },
  {
    type: 'transcript',
    entry: {
      id: 'seg-u1',
      speaker: 'user',
      text: 'Where is order 9002?',
      final: true,
      at: t0 + 8_300,
    },
    receivedAt: t0 + 8_310,
  },
  { type: 'dtmf', digit: '#', code: 11, at: t0 + 9_000 },
  agentEvent({ type: 'agent_state', v: 1, at: t0 + 10_000, state: 'listening' }, t0 + 10_010),
  agentEvent(
    {
      type: 'latency',
      v: 1,
      at: t0 + 10_000,
      turn: 1,
      eouDelayMs: 612,
      endOfSpeechToFirstAudioMs: 1350,
      ttftMs: 322,
      toolMs: 380,
    },
    t0 + 10_010,
  ),
  agentEvent(
    { type: 'call_ended', v: 1, at: t0 + 12_000, reason: 'agent_ended_call' },
    t0 + 12_010,
  ),
  { type: 'end', at: t0 + 12_100, reason: 'ROOM_DELETED' },
];
const record: SessionRecord = actions.reduce(recordReducer, emptyRecord());

describe('RecordDownload', () => {
  it('downloads what the panels show: transcript (in shown order), tool calls, latency, times', async () => {
    const user = userEvent.setup();
    const onSave = vi.fn<(fileName: string, text: string) => void>();
    const transcript = orderTranscript(record.transcript, record.agentStates);
    render(
      <>
        <Transcript entries={transcript} startedAt={record.startedAt} />
        <ToolInspector calls={record.toolCalls} />
        <LatencyPanel turns={record.latency} />
        <QueueStatus queue={currentQueue(record.queue)} now={() => t0 + 20_000} />
        <RecordDownload record={record} onSave={onSave} now={() => t0 + 20_000} />
      </>,
    );
    expect(screen.getByRole('status')).toHaveTextContent('Waited 12 s in queue (position 2)');

    const shownLines = screen
      .getAllByRole('listitem')
      .filter((item) => item.classList.contains('line'))
      .map((item) => item.querySelector('.line-text')?.textContent);
    expect(shownLines).toEqual(['Hi! How can I help?', 'Where is order 9002?', 'It has shipped.']);

    await user.click(screen.getByRole('button', { name: 'Download session record (JSON)' }));
    expect(onSave).toHaveBeenCalledTimes(1);
    const [fileName, text] = onSave.mock.calls[0]!;
    expect(fileName).toMatch(/^qa-qa-0123456789abcdef0123-.*\.json$/);
    const saved = JSON.parse(text);

    expect(saved.transcript.map((line: { text: string }) => line.text)).toEqual(shownLines);
    expect(saved.transcript[1]).toMatchObject({
      speaker: 'user',
      at: t0 + 8_300,
      orderAt: t0 + 6_999,
    });
    expect(saved.transcript.every((line: { final: boolean }) => line.final)).toBe(true);

    const tool = within(screen.getByRole('listitem', { name: /get_order_status/ }));
    expect(tool.getByText('380 ms')).toBeInTheDocument();
    expect(saved.toolCalls).toEqual([
      expect.objectContaining({
        name: 'get_order_status',
        callId: 'call_AbC123',
        args: { order_id: 'O9002' },
        result: { order_id: 'O9002', order_status: 'Shipped' },
        status: 'ok',
        durationMs: 380,
        at: t0 + 7_500,
      }),
    ]);

    expect(screen.getByRole('table', { name: 'Latency per turn' })).toHaveTextContent('1.35 s');
    expect(saved.latency).toEqual([
      expect.objectContaining({
        turn: 1,
        endOfSpeechToFirstAudioMs: 1350,
        ttftMs: 322,
        toolMs: 380,
      }),
    ]);

    expect(saved).toMatchObject({
      format: 'voice-agent-qa-session',
      version: 1,
      startedAt: t0,
      endedAt: t0 + 12_100,
      endReason: 'ROOM_DELETED',
      exportedAt: t0 + 20_000,
      room: 'qa-0123456789abcdef0123',
      agentJoinedAt: t0 + 800,
      settings: { phoneAudio: true, callerNumberMasked: '*********00' },
      callEnded: { reason: 'agent_ended_call', at: t0 + 12_000 },
      dtmf: [{ digit: '#', code: 11, at: t0 + 9_000 }],
    });
    expect(saved.queue).toEqual([
      { at: t0 + 300, state: 'waiting', position: 2, waitedMs: 0, receivedAt: t0 + 310 },
      { at: t0 + 500, state: 'waiting', position: 1, waitedMs: 200, receivedAt: t0 + 510 },
      { at: t0 + 850, state: 'connected', position: 2, waitedMs: 12_345, receivedAt: t0 + 860 },
    ]);
    expect(saved.agentStates).toHaveLength(5);
    expect(text).not.toContain('+1415');
  });

  it('is disabled before any session', () => {
    render(<RecordDownload record={emptyRecord()} onSave={() => undefined} now={Date.now} />);
    expect(screen.getByRole('button', { name: /Download/ })).toBeDisabled();
  });
});
