// The session record: everything the panels show, kept in one place so the download holds exactly
// what the tester saw. It outlives the room (download after hanging up) until the next session.
import type {
  AgentEvent,
  AgentStateName,
  CallEndedEvent,
  LatencyEvent,
  QueueEvent,
  ToolCallEvent,
} from '@ecommerce-voicebot/contracts';

export type Speaker = 'user' | 'agent';

export interface TranscriptEntry {
  /** The transcription segment id (`lk.segment_id`). */
  id: string;
  speaker: Speaker;
  text: string;
  /**
   * The segment is complete: `lk.transcription_final` was "true" (the caller's transcripts), or,
   * for the agent's streamed text (which keeps "false" on its one stream), a later agent segment
   * started, the agent went back to listening, or the session ended.
   */
  final: boolean;
  /** When the segment's first stream was sent (the agent's clock, epoch ms). */
  at: number;
  /** When this page first received it (the browser's clock). */
  receivedAt: number;
}

export type Received<T> = T & { receivedAt: number };

export interface DtmfEntry {
  digit: string;
  code: number;
  at: number;
}

export type NoteLevel = 'info' | 'warning' | 'error';

export interface NoteEntry {
  level: NoteLevel;
  message: string;
  at: number;
}

/** One report of the session's place in the switchboard's call queue. */
export type QueueEntry = Received<Omit<QueueEvent, 'type' | 'v'>>;

export interface SessionSettings {
  phoneAudio: boolean;
  /** The caller ID sent, masked to its last two digits (as in the agent's call records). */
  callerNumberMasked?: string | undefined;
  microphone?: string | undefined;
}

export interface SessionRecord {
  format: 'voice-agent-qa-session';
  version: 1;
  startedAt: number | undefined;
  endedAt: number | undefined;
  endReason: string | undefined;
  room: string | undefined;
  identity: string | undefined;
  serverUrl: string | undefined;
  agentIdentity: string | undefined;
  agentJoinedAt: number | undefined;
  settings: SessionSettings;
  transcript: TranscriptEntry[];
  toolCalls: Received<ToolCallEvent>[];
  latency: Received<LatencyEvent>[];
  agentStates: Received<{ state: AgentStateName; at: number }>[];
  callEnded: Received<Omit<CallEndedEvent, 'type' | 'v'>> | undefined;
  /** The call queue's reports, as they came (the switchboard's while waiting, then the agent's). */
  queue: QueueEntry[];
  dtmf: DtmfEntry[];
  notes: NoteEntry[];
  /** agent.events messages that broke the contract (not shown, only counted). */
  malformedAgentEvents: number;
}

export function emptyRecord(): SessionRecord {
  return {
    format: 'voice-agent-qa-session',
    version: 1,
    startedAt: undefined,
    endedAt: undefined,
    endReason: undefined,
    room: undefined,
    identity: undefined,
    serverUrl: undefined,
    agentIdentity: undefined,
    agentJoinedAt: undefined,
    settings: { phoneAudio: false },
    transcript: [],
    toolCalls: [],
    latency: [],
    agentStates: [],
    callEnded: undefined,
    queue: [],
    dtmf: [],
    notes: [],
    malformedAgentEvents: 0,
  };
}

export type RecordAction =
  | { type: 'start'; at: number; settings: SessionSettings }
  | { type: 'connected'; room: string; identity: string; serverUrl: string }
  | { type: 'agent_joined'; identity: string; at: number }
  | { type: 'agent_event'; event: AgentEvent; receivedAt: number }
  | { type: 'malformed_agent_event' }
  | { type: 'transcript'; entry: Omit<TranscriptEntry, 'receivedAt'>; receivedAt: number }
  | { type: 'dtmf'; digit: string; code: number; at: number }
  | { type: 'note'; level: NoteLevel; message: string; at: number }
  | { type: 'settings'; settings: Partial<SessionSettings> }
  | { type: 'end'; at: number; reason: string };

/** Marks the agent's transcript segments complete (see TranscriptEntry.final). */
function settleAgentLines(transcript: TranscriptEntry[]): TranscriptEntry[] {
  const open = (entry: TranscriptEntry) => entry.speaker === 'agent' && !entry.final;
  if (!transcript.some(open)) return transcript;
  return transcript.map((entry) => (open(entry) ? { ...entry, final: true } : entry));
}

function applyAgentEvent(record: SessionRecord, event: AgentEvent, receivedAt: number) {
  switch (event.type) {
    case 'agent_state':
      return {
        ...record,
        agentStates: [...record.agentStates, { state: event.state, at: event.at, receivedAt }],
        transcript:
          event.state === 'listening' || event.state === 'idle'
            ? settleAgentLines(record.transcript)
            : record.transcript,
      };
    case 'tool_call':
      return { ...record, toolCalls: [...record.toolCalls, { ...event, receivedAt }] };
    case 'latency':
      return { ...record, latency: [...record.latency, { ...event, receivedAt }] };
    case 'call_ended':
      return { ...record, callEnded: { at: event.at, reason: event.reason, receivedAt } };
    case 'queue': {
      const { type: _type, v: _v, ...entry } = event;
      return { ...record, queue: [...record.queue, { ...entry, receivedAt }] };
    }
  }
}

/**
 * Where the session stands in the queue now: the latest report by the time it was sent. The
 * switchboard and the agent send from different participants, so a position update the
 * switchboard sent just before the agent's `connected` may arrive after it.
 */
export function currentQueue(entries: readonly QueueEntry[]): QueueEntry | undefined {
  let latest: QueueEntry | undefined;
  for (const entry of entries) if (latest === undefined || entry.at >= latest.at) latest = entry;
  return latest;
}

export function recordReducer(record: SessionRecord, action: RecordAction): SessionRecord {
  switch (action.type) {
    case 'start':
      return { ...emptyRecord(), startedAt: action.at, settings: action.settings };
    case 'connected':
      return {
        ...record,
        room: action.room,
        identity: action.identity,
        serverUrl: action.serverUrl,
      };
    case 'agent_joined':
      if (record.agentIdentity !== undefined) return record;
      return { ...record, agentIdentity: action.identity, agentJoinedAt: action.at };
    case 'agent_event':
      return applyAgentEvent(record, action.event, action.receivedAt);
    case 'malformed_agent_event':
      return { ...record, malformedAgentEvents: record.malformedAgentEvents + 1 };
    case 'transcript': {
      const { entry } = action;
      const index = record.transcript.findIndex((item) => item.id === entry.id);
      if (index === -1) {
        const earlier =
          entry.speaker === 'agent' ? settleAgentLines(record.transcript) : record.transcript;
        return {
          ...record,
          transcript: [...earlier, { ...entry, receivedAt: action.receivedAt }],
        };
      }
      const existing = record.transcript[index]!;
      const final = existing.final || entry.final;
      if (existing.text === entry.text && existing.final === final) return record;
      const transcript = [...record.transcript];
      // The first stream's time stays: later updates of a segment are re-sent streams.
      transcript[index] = { ...existing, text: entry.text, final };
      return { ...record, transcript };
    }
    case 'dtmf':
      return {
        ...record,
        dtmf: [...record.dtmf, { digit: action.digit, code: action.code, at: action.at }],
      };
    case 'note':
      return {
        ...record,
        notes: [...record.notes, { level: action.level, message: action.message, at: action.at }],
      };
    case 'settings':
      return { ...record, settings: { ...record.settings, ...action.settings } };
    case 'end':
      if (record.endedAt !== undefined) return record;
      return {
        ...record,
        endedAt: action.at,
        endReason: action.reason,
        transcript: settleAgentLines(record.transcript),
      };
  }
}

// ---------------------------------------------------------------------------------------------
// Transcript order

export interface OrderedTranscriptEntry extends TranscriptEntry {
  /** Where the entry sits in the conversation (epoch ms, agent clock): see orderTranscript. */
  orderAt: number;
}

const BUSY: ReadonlySet<AgentStateName> = new Set(['thinking', 'speaking']);

/**
 * The transcript in conversation order. The Realtime model transcribes the caller in parallel
 * with answering, so a caller's words can arrive after the agent has started to reply. A caller
 * segment that arrives while the agent is thinking or speaking belongs before that reply: it is
 * placed just before the moment the agent left listening (from the `agent_state` events).
 * Everything else keeps the time its first stream was sent.
 */
export function orderTranscript(
  entries: readonly TranscriptEntry[],
  agentStates: readonly { state: AgentStateName; at: number }[],
): OrderedTranscriptEntry[] {
  const states = [...agentStates].sort((a, b) => a.at - b.at);
  const busySince = (at: number): number | undefined => {
    let i = -1;
    for (let j = 0; j < states.length && states[j]!.at <= at; j++) i = j;
    if (i < 0 || !BUSY.has(states[i]!.state)) return undefined;
    while (i > 0 && BUSY.has(states[i - 1]!.state)) i--;
    return states[i]!.at;
  };
  return entries
    .map((entry, arrival) => {
      let orderAt = entry.at;
      if (entry.speaker === 'user') {
        const since = busySince(entry.at);
        if (since !== undefined) orderAt = Math.min(entry.at, since - 1);
      }
      return { entry: { ...entry, orderAt }, arrival };
    })
    .sort((a, b) => a.entry.orderAt - b.entry.orderAt || a.arrival - b.arrival)
    .map(({ entry }) => entry);
}

// ---------------------------------------------------------------------------------------------
// Download

/** The record as downloaded: what the panels showed, the transcript in display order. */
export function recordForDownload(record: SessionRecord, exportedAt: number) {
  return {
    ...record,
    exportedAt,
    transcript: orderTranscript(record.transcript, record.agentStates),
  };
}

export function recordFileName(record: SessionRecord): string {
  const when = new Date(record.startedAt ?? Date.now())
    .toISOString()
    .replace(/[:.]/g, '-')
    .replace(/Z$/, '');
  const room = (record.room ?? 'session').replace(/[^A-Za-z0-9._-]/g, '_');
  return `qa-${room}-${when}.json`;
}
