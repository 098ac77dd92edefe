// Splits one caller turn's latency into where the time went, from the Realtime emulator's recorded
// events and the SIP caller's RTP times (one clock: the harness gives the emulator the caller's).
//
//   end of speech (last audible RTP packet sent)
//     → end of turn: the agent's input_audio_buffer.commit (local VAD) or the emulator's
//       speech_stopped (server VAD)                                       = end-of-speech detection
//     → response.create                                                  = agent
//     → function call sent → function_call_output received              = MCP (+ agent overhead)
//     → response.create after the tool output                            = agent
//     → first response.output_audio.delta sent                           = model (the emulator)
//     → first audible RTP packet at the caller                           = media path
import type {
  RecordedClientEvent,
  RecordedServerEvent,
} from '@ecommerce-voicebot/realtime-emulator';

export interface TurnSplit {
  totalMs: number;
  endOfSpeechMs: number;
  /** Agent processing: end of turn → response.create, and tool output → response.create. */
  agentMs: number;
  /** The tool round trip as the emulator saw it (function call sent → output received). */
  toolRoundTripMs: number;
  /** The MCP call itself as the agent's toolset timed it; the rest of the round trip is agent time. */
  mcpMs: number;
  /** The emulator: response.create → function call or first audio chunk sent. */
  modelMs: number;
  /** First audio chunk sent by the emulator → first audible packet at the caller. */
  mediaMs: number;
  /** When the emulator sent that first audio chunk, and when the caller heard it (caller's clock). */
  firstChunkAt: number;
  heardAt: number;
}

export interface TurnEvents {
  client: readonly RecordedClientEvent[];
  server: readonly RecordedServerEvent[];
  sessionId: string;
  /** When the caller's last audible packet of the turn was sent. */
  endOfSpeechAt: number;
  /** When the caller received the first audible packet of the answer. */
  firstAudibleAt: number;
  /** MCP durations reported by the agent's toolset, by tool call id. */
  toolDurations?: ReadonlyMap<string, number>;
}

const field = (event: Record<string, unknown>, key: string): Record<string, unknown> =>
  (event[key] ?? {}) as Record<string, unknown>;

/** The split, or a reason it could not be made (a missing event). */
export function splitTurn(input: TurnEvents): TurnSplit | string {
  const { endOfSpeechAt: t0, firstAudibleAt: heard, sessionId } = input;
  const client = input.client.filter((e) => e.sessionId === sessionId);
  const server = input.server.filter((e) => e.sessionId === sessionId);
  const delta = server.find(
    (e) => e.type === 'response.output_audio.delta' && e.sentAt >= t0 && e.sentAt <= heard,
  );
  if (!delta) return 'no audio chunk sent between the end of speech and the first audible packet';
  const lastBefore = <T>(
    list: readonly T[],
    at: (e: T) => number,
    until: number,
    ok: (e: T) => boolean,
  ) => list.filter((e) => ok(e) && at(e) <= until).at(-1);

  const creates = client.filter(
    (e) => e.type === 'response.create' && e.receivedAt >= t0 && e.receivedAt <= delta.sentAt,
  );
  const call = lastBefore(
    server,
    (e) => e.sentAt,
    delta.sentAt,
    (e) =>
      e.sentAt >= t0 &&
      e.type === 'response.output_item.done' &&
      field(e.event, 'item').type === 'function_call',
  );
  const callId = call && String(field(call.event, 'item').call_id);
  const output =
    call &&
    client.find(
      (e) =>
        e.type === 'conversation.item.create' &&
        field(e.event, 'item').type === 'function_call_output' &&
        field(e.event, 'item').call_id === callId,
    );
  if (call && !output) return 'the function call got no output';

  // The end of the turn: a local commit before the first response.create, else server VAD.
  const firstCreate = creates[0];
  const commit =
    firstCreate &&
    lastBefore(
      client,
      (e) => e.receivedAt,
      firstCreate.receivedAt,
      (e) => e.type === 'input_audio_buffer.commit' && e.receivedAt >= t0,
    );
  const stopped = lastBefore(
    server,
    (e) => e.sentAt,
    (call ?? delta).sentAt,
    (e) => e.type === 'input_audio_buffer.speech_stopped' && e.sentAt >= t0,
  );
  const endOfTurn = commit?.receivedAt ?? stopped?.sentAt;
  if (endOfTurn === undefined) return 'no end of turn (commit or speech_stopped) after the speech';

  let agentMs = 0;
  let modelMs = 0;
  let toolRoundTripMs = 0;
  let mcpMs = 0;
  if (call && output) {
    // Before the tool: end of turn → response.create (absent with server VAD) → function call.
    const before = creates.find((e) => e.receivedAt <= call.sentAt);
    agentMs += (before?.receivedAt ?? endOfTurn) - endOfTurn;
    modelMs += call.sentAt - (before?.receivedAt ?? endOfTurn);
    toolRoundTripMs = output.receivedAt - call.sentAt;
    mcpMs = Math.min(toolRoundTripMs, input.toolDurations?.get(callId!) ?? toolRoundTripMs);
    agentMs += toolRoundTripMs - mcpMs;
    const after = creates.find((e) => e.receivedAt >= output.receivedAt);
    if (!after) return 'no response.create after the tool output';
    agentMs += after.receivedAt - output.receivedAt;
    modelMs += delta.sentAt - after.receivedAt;
  } else {
    const create = creates.at(-1);
    agentMs += (create?.receivedAt ?? endOfTurn) - endOfTurn;
    modelMs += delta.sentAt - (create?.receivedAt ?? endOfTurn);
  }
  return {
    totalMs: heard - t0,
    endOfSpeechMs: endOfTurn - t0,
    agentMs,
    toolRoundTripMs,
    mcpMs,
    modelMs,
    mediaMs: heard - delta.sentAt,
    firstChunkAt: delta.sentAt,
    heardAt: heard,
  };
}
