// The conversation of one session: its items in order, and what the emulator records about them
// (user turns, function calls, tool outputs). Handles the `conversation.item.*` client events.
import { bytesToMs } from './audio.js';
import type { ClientItem } from './client-events.js';
import { invalidToolCallId } from './errors.js';
import { newId } from './protocol.js';
import type {
  ConversationItemRecord,
  FunctionCallOutputRecord,
  FunctionCallRecord,
  UserTurnRecord,
} from './records.js';
import { transcriptForAudioTurn } from './scenario.js';
import type { SessionContext } from './session-context.js';
import type { ConversationItem } from './wire-types.js';

function userTextOf(item: ClientItem): { text: string; hasAudio: boolean } {
  if (item.type !== 'message') return { text: '', hasAudio: false };
  const texts: string[] = [];
  let hasAudio = false;
  for (const part of item.content) {
    if (part.type === 'input_text' && part.text !== undefined) {
      texts.push(part.text);
    } else if (part.type === 'input_audio') {
      hasAudio = true;
      if (part.transcript) texts.push(part.transcript);
    }
  }
  return { text: texts.join(' '), hasAudio };
}

export class Conversation {
  readonly #ctx: SessionContext;
  /** Called for every `function_call_output` item, so a pending tool reply can collect it. */
  readonly #onFunctionCallOutput: (callId: string, output: string) => void;
  #items: ConversationItemRecord[] = [];
  #userTurns: UserTurnRecord[] = [];
  #pendingTurn: UserTurnRecord | null = null;
  #functionCalls: FunctionCallRecord[] = [];
  #functionCallOutputs: FunctionCallOutputRecord[] = [];
  /** User audio items whose input transcription has not ended yet. */
  readonly #pendingTranscripts = new Set<string>();

  constructor(ctx: SessionContext, onFunctionCallOutput: (callId: string, output: string) => void) {
    this.#ctx = ctx;
    this.#onFunctionCallOutput = onFunctionCallOutput;
  }

  get items(): readonly ConversationItemRecord[] {
    return this.#items;
  }

  get userTurns(): readonly UserTurnRecord[] {
    return this.#userTurns;
  }

  get functionCalls(): readonly FunctionCallRecord[] {
    return this.#functionCalls;
  }

  get functionCallOutputs(): readonly FunctionCallOutputRecord[] {
    return this.#functionCallOutputs;
  }

  find(itemId: string): ConversationItemRecord | undefined {
    return this.#items.find((c) => c.id === itemId);
  }

  /** The id of the item before `itemId`, or null if it is first or unknown. */
  previousItemIdOf(itemId: unknown): string | null {
    const idx = this.#items.findIndex((c) => c.id === itemId);
    return idx > 0 ? (this.#items[idx - 1]?.id ?? null) : null;
  }

  lastItemId(): string | null {
    return this.#items.at(-1)?.id ?? null;
  }

  /**
   * Inserts after `previousItemId` (`'root'`: first; absent: last). Sends nothing: the caller
   * announces the item when the protocol says so.
   */
  insert(
    item: ConversationItem & { id: string },
    previousItemId: string | null | undefined,
    extra: Partial<ConversationItemRecord> = {},
  ): { previousItemId: string | null } {
    let index = this.#items.length;
    if (previousItemId === 'root') index = 0;
    else if (previousItemId) {
      const prev = this.#items.findIndex((i) => i.id === previousItemId);
      if (prev < 0) throw new Error(`previous item ${previousItemId} not found`);
      index = prev + 1;
    }
    this.#items.splice(index, 0, {
      id: item.id,
      type: item.type,
      role: 'role' in item ? item.role : null,
      item,
      audioMs: null,
      truncatedAtMs: null,
      ...extra,
    });
    return { previousItemId: index > 0 ? (this.#items[index - 1]?.id ?? null) : null };
  }

  /** Sends the added and done events of an item that is complete when added. */
  announce(item: ConversationItem, previousItemId: string | null): void {
    this.#ctx.send({ type: 'conversation.item.added', previous_item_id: previousItemId, item });
    this.#ctx.send({ type: 'conversation.item.done', previous_item_id: previousItemId, item });
  }

  /** Whether a `function_call` item with this `call_id` is in the conversation. */
  hasFunctionCall(callId: string): boolean {
    return this.#items.some((i) => i.item.type === 'function_call' && i.item.call_id === callId);
  }

  recordFunctionCall(call: FunctionCallRecord): void {
    this.#functionCalls.push(call);
  }

  /**
   * The user turn waiting for an answer, marked answered: the response about to be planned uses
   * it. Null when the last user turn was answered, deleted or followed by an assistant item.
   */
  takeUnansweredTurn(): UserTurnRecord | null {
    const turn = this.#pendingTurn;
    if (!turn || turn.answered) return null;
    turn.answered = true;
    this.#pendingTurn = null;
    return turn;
  }

  /** Adds the user audio item committed from the input buffer and records its turn. */
  addCommittedAudio(
    itemId: string,
    audioMs: number,
  ): { item: ConversationItem & { type: 'message'; role: 'user' }; turn: UserTurnRecord } {
    // No transcript yet: the field is left out (the published type does not allow null).
    const item: ConversationItem & { id: string; type: 'message'; role: 'user' } = {
      id: itemId,
      object: 'realtime.item',
      type: 'message',
      status: 'completed',
      role: 'user',
      content: [{ type: 'input_audio' }],
    };
    const { previousItemId } = this.insert(item, undefined, { audioMs });
    this.announce(item, previousItemId);

    const index = this.#userTurns.length;
    const transcript = transcriptForAudioTurn(this.#ctx.scenario(), index);
    const turn: UserTurnRecord = {
      index,
      itemId,
      kind: 'audio',
      text: transcript,
      audioMs,
      answered: false,
    };
    this.#userTurns.push(turn);
    this.#pendingTurn = turn;
    return { item, turn };
  }

  transcriptionStarted(itemId: string): void {
    this.#pendingTranscripts.add(itemId);
  }

  transcriptionEnded(itemId: string): void {
    this.#pendingTranscripts.delete(itemId);
  }

  /** A fault used this turn without answering it: the next response answers it. */
  restoreTurn(turn: UserTurnRecord): void {
    turn.answered = false;
    this.#pendingTurn = turn;
  }

  // -------------------------------------------------------------------------------------------
  // client events

  create(
    item: ClientItem,
    previousItemId: string | null | undefined,
    clientEventId: string | null,
  ): void {
    const id = item.id ?? newId('item');
    if (this.#items.some((i) => i.id === id)) {
      return this.#ctx.sendError({
        type: 'invalid_request_error',
        code: 'invalid_value',
        message: `Error adding item: the id '${id}' is already in use.`,
        param: 'item.id',
        event_id: clientEventId,
      });
    }
    if (
      previousItemId &&
      previousItemId !== 'root' &&
      !this.#items.some((i) => i.id === previousItemId)
    ) {
      return this.#ctx.sendError({
        type: 'invalid_request_error',
        code: 'invalid_value',
        message: `Error adding item: the previous_item_id '${previousItemId}' does not exist.`,
        param: 'previous_item_id',
        event_id: clientEventId,
      });
    }
    if (item.type === 'function_call_output' && !this.hasFunctionCall(item.call_id)) {
      return this.#ctx.sendError(invalidToolCallId(item.call_id));
    }

    let audioMs: number | null = null;
    let echoed: ConversationItem & { id: string };
    if (item.type === 'message' && item.role === 'user') {
      const content = item.content.map((p) => {
        if (p.type !== 'input_audio') return p;
        const bytes = p.audio ? Buffer.from(p.audio, 'base64').length : 0;
        audioMs = (audioMs ?? 0) + bytesToMs(bytes);
        // Audio bytes are not echoed.
        return {
          type: 'input_audio' as const,
          ...(p.transcript !== undefined ? { transcript: p.transcript } : {}),
        };
      });
      echoed = { ...item, content, id, object: 'realtime.item', status: 'completed' };
    } else {
      echoed = { ...item, id, object: 'realtime.item', status: 'completed' };
    }
    const appendedAtEnd = !previousItemId || previousItemId === this.lastItemId();
    const { previousItemId: prev } = this.insert(echoed, previousItemId, { audioMs });
    this.announce(echoed, prev);

    if (item.type === 'message' && item.role === 'user') {
      const { text, hasAudio } = userTextOf(item);
      const kind = hasAudio && text === '' ? 'audio' : 'text';
      const index = this.#userTurns.length;
      const turn: UserTurnRecord = {
        index,
        itemId: id,
        kind,
        text: kind === 'audio' ? transcriptForAudioTurn(this.#ctx.scenario(), index) : text,
        audioMs: audioMs ?? 0,
        answered: false,
      };
      this.#userTurns.push(turn);
      if (appendedAtEnd) this.#pendingTurn = turn;
    } else if (item.type === 'message' && item.role === 'assistant' && appendedAtEnd) {
      // History replayed by the client: the last user turn already has its answer.
      if (this.#pendingTurn) this.#pendingTurn.answered = true;
      this.#pendingTurn = null;
    } else if (item.type === 'function_call_output') {
      const call = this.#functionCalls.find((c) => c.callId === item.call_id);
      // Recorded by call_id: a call the client itself appended has no emulator record.
      this.#functionCallOutputs.push({
        callId: item.call_id,
        itemId: id,
        output: item.output,
        receivedAt: Date.now(),
        name: call?.name ?? null,
      });
      this.#onFunctionCallOutput(item.call_id, item.output);
    }
  }

  delete(itemId: string, clientEventId: string | null): void {
    const index = this.#items.findIndex((i) => i.id === itemId);
    if (index < 0) {
      return this.#ctx.sendError({
        type: 'invalid_request_error',
        code: 'invalid_value',
        message: `Error deleting item: the item with id '${itemId}' does not exist.`,
        param: 'item_id',
        event_id: clientEventId,
      });
    }
    if (this.#pendingTranscripts.has(itemId)) {
      // OpenAI would drop the transcript with the item; the caller's words never reach the
      // transcript. Recorded (not refused) so the client under test keeps its real behaviour.
      this.#ctx.flag({
        kind: 'deleted_item_with_pending_transcript',
        itemId,
        detail: 'conversation.item.delete of a user audio item whose transcription is pending',
      });
      this.#pendingTranscripts.delete(itemId);
    }
    this.#items.splice(index, 1);
    if (this.#pendingTurn?.itemId === itemId) this.#pendingTurn = null;
    this.#ctx.send({ type: 'conversation.item.deleted', item_id: itemId });
  }

  retrieve(itemId: string, clientEventId: string | null): void {
    const found = this.find(itemId);
    if (!found) {
      return this.#ctx.sendError({
        type: 'invalid_request_error',
        code: 'invalid_value',
        message: `Error retrieving item: the item with id '${itemId}' does not exist.`,
        param: 'item_id',
        event_id: clientEventId,
      });
    }
    this.#ctx.send({ type: 'conversation.item.retrieved', item: found.item });
  }

  /**
   * `conversation.item.truncate`: the client stopped playing an assistant audio message at
   * `audio_end_ms`. OpenAI's rules: the item must exist and be an assistant message, the content
   * part at `content_index` must be audio, and `audio_end_ms` may not exceed the audio's length.
   * The audio is cut and the server-side transcript is removed ("to ensure there is not text in
   * the context that hasn't been heard by the user", API reference).
   */
  truncate(
    itemId: string,
    contentIndex: number,
    audioEndMs: number,
    clientEventId: string | null,
  ): void {
    const found = this.find(itemId);
    const fail = (message: string, param: string): void =>
      this.#ctx.sendError({
        type: 'invalid_request_error',
        code: 'invalid_value',
        message,
        param,
        event_id: clientEventId,
      });
    if (!found) return fail(`Item with item_id '${itemId}' not found.`, 'item_id');
    if (found.role !== 'assistant' || found.item.type !== 'message') {
      return fail(
        `Item '${itemId}' is not an assistant message: only assistant messages can be truncated.`,
        'item_id',
      );
    }
    // While the response still streams, the stored item has no parts yet: its audio is part 0.
    const streaming = found.item.status === 'in_progress' && found.audioMs !== null;
    const part =
      found.item.content?.[contentIndex] ??
      (streaming && contentIndex === 0 ? { type: 'output_audio' as const } : undefined);
    if (contentIndex < 0 || part === undefined) {
      return fail(
        `Content index ${contentIndex} is out of range for item '${itemId}'.`,
        'content_index',
      );
    }
    if (part.type !== 'output_audio' || found.audioMs === null) {
      return fail(
        `Content part ${contentIndex} of item '${itemId}' has no audio to truncate.`,
        'content_index',
      );
    }
    if (audioEndMs > Math.ceil(found.audioMs)) {
      return fail(
        `Audio content of ${Math.round(found.audioMs)}ms is already shorter than ${audioEndMs}ms`,
        'audio_end_ms',
      );
    }
    found.truncatedAtMs = audioEndMs;
    found.audioMs = audioEndMs;
    if (found.item.type === 'message' && found.item.role === 'assistant') {
      const content = [...found.item.content];
      content[contentIndex] = { type: 'output_audio', transcript: '' };
      found.item = { ...found.item, content };
    }
    this.#ctx.send({
      type: 'conversation.item.truncated',
      item_id: itemId,
      content_index: contentIndex,
      audio_end_ms: audioEndMs,
    });
  }
}
