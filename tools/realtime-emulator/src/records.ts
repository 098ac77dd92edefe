// Snapshots of what one emulated session saw and did, returned by `emulator.sessions()`.
import type { Dialect, SessionConfig } from './protocol.js';
import type { ConversationItem } from './wire-types.js';

/** A user turn: a user message item (typed text or committed audio). */
export interface UserTurnRecord {
  /** 0-based count of user message items in this session. */
  index: number;
  itemId: string;
  kind: 'text' | 'audio';
  /** Typed text, or for audio the transcript the scenario gives. */
  text: string;
  audioMs: number;
  answered: boolean;
}

export interface FunctionCallRecord {
  callId: string;
  itemId: string;
  name: string;
  arguments: string;
  responseId: string;
}

export interface FunctionCallOutputRecord {
  callId: string;
  itemId: string;
  output: string;
  receivedAt: number;
  /** The function call of this session with the same call_id, if any. */
  name: string | null;
}

export interface ResponseRecord {
  id: string;
  trigger: 'client' | 'server_vad';
  clientEventId: string | null;
  instructions: string | null;
  kind: 'message' | 'function_calls';
  source: 'tool_reply' | 'rule' | 'instructions' | 'greeting' | 'fallback';
  ruleId: string | null;
  modalities: Array<'audio' | 'text'>;
  /** The planned answer text. */
  text: string | null;
  /** Transcript/text actually streamed (shorter than `text` when cancelled). */
  deliveredText: string;
  functionCalls: FunctionCallRecord[];
  status: 'in_progress' | 'completed' | 'cancelled' | 'failed' | 'incomplete';
  cancelReason: 'client_cancelled' | 'turn_detected' | 'connection_closed' | null;
  /** The scenario fault this response acted out (scenario `fault`), if any. */
  fault: string | null;
  audioMs: number;
}

export interface ConversationItemRecord {
  id: string;
  type: string;
  role: string | null;
  /** The item as the server reports it, GA shape (audio payloads removed). */
  item: ConversationItem;
  audioMs: number | null;
  truncatedAtMs: number | null;
}

export interface EmulatorSessionInfo {
  id: string;
  dialect: Dialect;
  path: string;
  model: string;
  auth: { bearer: boolean; apiKeyHeader: boolean; subprotocolKey: boolean };
  userAgent: string | null;
  openaiBeta: string | null;
  connectedAt: number;
  closedAt: number | null;
  open: boolean;
  config: SessionConfig;
  conversation: ConversationItemRecord[];
  userTurns: UserTurnRecord[];
  responses: ResponseRecord[];
  functionCalls: FunctionCallRecord[];
  functionCallOutputs: FunctionCallOutputRecord[];
  inputAudioMs: number;
  /** Client behaviour that loses data on the real service (a test should expect none). */
  violations: ViolationRecord[];
}

export interface ViolationRecord {
  kind: 'deleted_item_with_pending_transcript';
  itemId: string | null;
  detail: string;
  at: number;
}
