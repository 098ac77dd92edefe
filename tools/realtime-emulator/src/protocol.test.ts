// Raw WebSocket tests of the emulator's protocol rules.
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  bufferToPcm16,
  chunkPcm16,
  concatPcm16,
  pcm16ToBuffer,
  rms,
  rmsToDbfs,
  silence,
  tone,
} from './audio.js';
import { createRealtimeEmulator, type RealtimeEmulator } from './server.js';
import type { ScenarioInput } from './scenario.js';
import { RawRealtimeClient, type ServerEvent } from './test-client.js';

const logger = pino({ level: 'silent' });

const SCENARIO: ScenarioInput = {
  name: 'protocol-test',
  audioPacing: 'fast',
  greeting: { say: 'Hello, how can I help?' },
  rules: [
    {
      id: 'order',
      match: { text: 'typed:?\\s*(\\d+)' },
      function_call: { name: 'lookup_order', arguments: { order_id: '$1', nested: ['#$1'] } },
      say: 'Order $1 is {{output.status}}, arriving {{output.eta}}.',
    },
    { match: { turn: 0 }, transcript: 'i need help with my order' },
    { match: { text: 'long answer' }, say: 'This is a deliberately long answer. '.repeat(8) },
    { match: { any: true }, say: 'Please tell me your order number.' },
  ],
};

let emulator: RealtimeEmulator;
const clients: RawRealtimeClient[] = [];

async function connect(options?: Parameters<typeof RawRealtimeClient.connect>[1]) {
  const client = await RawRealtimeClient.connect(emulator.url, options);
  clients.push(client);
  await client.next('session.created');
  return client;
}

function gaUpdate(session: Record<string, unknown>) {
  return { type: 'session.update', session: { type: 'realtime', ...session } };
}

function sendPcm(client: RawRealtimeClient, pcm: Int16Array, chunkMs = 100): void {
  for (const chunk of chunkPcm16(pcm, chunkMs)) {
    client.send({
      type: 'input_audio_buffer.append',
      audio: pcm16ToBuffer(chunk).toString('base64'),
    });
  }
}

function decodeAudio(events: ServerEvent[]): Int16Array {
  return concatPcm16(events.map((e) => bufferToPcm16(Buffer.from(String(e.delta), 'base64'))));
}

beforeAll(async () => {
  emulator = await createRealtimeEmulator({ scenario: SCENARIO, logger });
});

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  emulator.setScenario(SCENARIO);
  emulator.refuseConnections(false);
});

afterAll(async () => {
  await emulator.close();
});

describe('realtime emulator protocol', () => {
  it('sends session.created, stores session.update and records auth', async () => {
    const client = await connect();
    const created = client.received[0]!;
    expect(created.type).toBe('session.created');
    expect((created.session as any).type).toBe('realtime');
    client.send(
      gaUpdate({
        instructions: 'Be brief.',
        output_modalities: ['audio'],
        audio: {
          input: {
            transcription: { model: 'gpt-4o-mini-transcribe' },
            turn_detection: { type: 'server_vad', threshold: 0.4, silence_duration_ms: 300 },
          },
          output: { voice: 'cedar' },
        },
        tools: [{ type: 'function', name: 'lookup_order', parameters: { type: 'object' } }],
      }),
    );
    const updated = await client.next('session.updated');
    const s = updated.session as any;
    expect(s.instructions).toBe('Be brief.');
    expect(s.audio.output.voice).toBe('cedar');
    expect(s.audio.input.turn_detection).toMatchObject({ type: 'server_vad', threshold: 0.4 });
    expect(s.tools.map((t: any) => t.name)).toEqual(['lookup_order']);

    // A partial update keeps the other fields.
    client.send(gaUpdate({ instructions: 'Be very brief.' }));
    const again = (await client.next('session.updated')).session as any;
    expect(again.tools).toHaveLength(1);
    expect(again.audio.output.voice).toBe('cedar');

    const info = emulator.sessions().find((x) => x.open)!;
    expect(info.auth.bearer).toBe(true);
    expect(info.dialect).toBe('ga');
    expect(info.config.inputAudioTranscription).toEqual({ model: 'gpt-4o-mini-transcribe' });

    const anonymous = await connect({ headers: {} });
    expect(anonymous.received[0]!.type).toBe('session.created');
    expect(emulator.sessions().at(-1)!.auth.bearer).toBe(false);
  });

  it('echoes item ids, honours previous_item_id and echoes client_event_id', async () => {
    const client = await connect();
    client.send({
      type: 'conversation.item.create',
      event_id: 'evt_a',
      item: {
        id: 'item_a',
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'a' }],
      },
    });
    const a = await client.next('conversation.item.added');
    expect((a.item as any).id).toBe('item_a');
    expect(a.previous_item_id).toBeNull();
    expect((await client.next('conversation.item.done')).item).toMatchObject({ id: 'item_a' });

    client.send({
      type: 'conversation.item.create',
      previous_item_id: 'root',
      item: {
        id: 'item_b',
        type: 'message',
        role: 'system',
        content: [{ type: 'input_text', text: 'b' }],
      },
    });
    const b = await client.next('conversation.item.added');
    expect(b).toMatchObject({ previous_item_id: null, item: { id: 'item_b' } });

    client.send({
      type: 'conversation.item.create',
      previous_item_id: 'item_b',
      item: {
        id: 'item_c',
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'c' }],
      },
    });
    expect(await client.next('conversation.item.added')).toMatchObject({
      previous_item_id: 'item_b',
      item: { id: 'item_c' },
    });
    const order = emulator
      .sessions()
      .at(-1)!
      .conversation.map((i) => i.id);
    expect(order).toEqual(['item_b', 'item_c', 'item_a']);

    client.send({ type: 'conversation.item.delete', item_id: 'item_c' });
    expect(await client.next('conversation.item.deleted')).toMatchObject({ item_id: 'item_c' });

    client.send({
      type: 'response.create',
      event_id: 'response_create_1',
      response: { metadata: { client_event_id: 'response_create_1' } },
    });
    const created = await client.next('response.created');
    expect((created.response as any).metadata).toEqual({ client_event_id: 'response_create_1' });
    await client.next('response.done');
  });

  it('streams an audible audio answer with the full item lifecycle and usage', async () => {
    const client = await connect();
    const start = client.received.length;
    client.send({ type: 'response.create', response: { instructions: 'Greet the caller.' } });
    const done = await client.next('response.done');
    const types = client.typesSince(start);
    const collapsed = types
      .map((t) => (t.endsWith('.delta') ? '(deltas)' : t))
      .filter((t, i, all) => t !== '(deltas)' || all[i - 1] !== '(deltas)');
    expect(collapsed).toEqual([
      'response.created',
      'response.output_item.added',
      'conversation.item.added',
      'response.content_part.added',
      '(deltas)',
      'response.output_audio.done',
      'response.output_audio_transcript.done',
      'response.content_part.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.done',
    ]);
    // Transcript deltas are interleaved with the audio, slightly ahead of it.
    expect(types[4]).toBe('response.output_audio_transcript.delta');
    expect(types.lastIndexOf('response.output_audio_transcript.delta')).toBeGreaterThan(
      types.indexOf('response.output_audio.delta'),
    );
    const greeting = 'Hello, how can I help?';
    const transcriptDone = client.received.find(
      (e) => e.type === 'response.output_audio_transcript.done',
    )!;
    expect(transcriptDone.transcript).toBe(greeting);
    const deltas = client.received.filter((e) => e.type === 'response.output_audio.delta');
    const pcm = decodeAudio(deltas);
    const ms = (pcm.length / 24000) * 1000;
    expect(ms).toBeCloseTo(greeting.length * 60, -1);
    for (const chunk of deltas) {
      expect(
        rmsToDbfs(rms(bufferToPcm16(Buffer.from(String(chunk.delta), 'base64')))),
      ).toBeGreaterThan(-30);
    }
    expect(deltas.length).toBe(Math.ceil(ms / 50));
    const response = done.response as any;
    expect(response.status).toBe('completed');
    expect(response.output[0]).toMatchObject({
      type: 'message',
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_audio', transcript: greeting }],
    });
    expect(response.usage.output_tokens).toBeGreaterThan(0);
    expect(response.usage.total_tokens).toBe(
      response.usage.input_tokens + response.usage.output_tokens,
    );
    expect(emulator.sessions().at(-1)!.responses[0]).toMatchObject({
      source: 'greeting',
      instructions: 'Greet the caller.',
    });
  });

  it('answers text-only sessions with output_text events', async () => {
    const client = await connect();
    client.send(gaUpdate({ output_modalities: ['text'] }));
    await client.next('session.updated');
    client.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
    });
    client.send({ type: 'response.create' });
    await client.next('response.done');
    const types = new Set(client.typesSince());
    expect(types.has('response.output_text.delta')).toBe(true);
    expect(types.has('response.output_audio.delta')).toBe(false);
    const part = client.received.find((e) => e.type === 'response.content_part.added')!;
    // The published GA type names content-part events' parts `text` / `audio`.
    expect((part.part as any).type).toBe('text');
    expect(client.received.find((e) => e.type === 'response.output_text.done')!.text).toBe(
      'Please tell me your order number.',
    );
  });

  it('runs a function call round trip and records the output', async () => {
    const client = await connect();
    client.send(
      gaUpdate({
        tools: [{ type: 'function', name: 'lookup_order', parameters: { type: 'object' } }],
      }),
    );
    client.send({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'The caller typed: 9002' }],
      },
    });
    client.send({ type: 'response.create' });
    const added = await client.next('response.output_item.added');
    expect(added.item).toMatchObject({
      type: 'function_call',
      name: 'lookup_order',
      arguments: '',
    });
    const argsDone = await client.next('response.function_call_arguments.done');
    const itemDone = await client.next('response.output_item.done');
    const call = itemDone.item as any;
    expect(call).toMatchObject({
      type: 'function_call',
      name: 'lookup_order',
      status: 'completed',
    });
    expect(JSON.parse(call.arguments)).toEqual({ order_id: '9002', nested: ['#9002'] });
    expect(argsDone.call_id).toBe(call.call_id);
    await client.next('response.done');

    client.send({
      type: 'conversation.item.create',
      item: {
        id: 'item_out',
        type: 'function_call_output',
        call_id: call.call_id,
        output: JSON.stringify({ status: 'shipped', eta: 'Tuesday' }),
      },
    });
    expect((await client.next('conversation.item.added')).item).toMatchObject({ id: 'item_out' });
    const recorded = emulator.sessions().at(-1)!.functionCallOutputs;
    expect(recorded).toEqual([
      expect.objectContaining({
        callId: call.call_id,
        name: 'lookup_order',
        output: '{"status":"shipped","eta":"Tuesday"}',
      }),
    ]);
    client.send({ type: 'response.create' });
    const transcript = await client.next('response.output_audio_transcript.done');
    expect(transcript.transcript).toBe('Order 9002 is shipped, arriving Tuesday.');
    await client.next('response.done');
  });

  it('server VAD detects a tone between silences, commits, transcribes and responds', async () => {
    const client = await connect();
    client.send(
      gaUpdate({
        audio: {
          input: {
            transcription: { model: 'gpt-4o-mini-transcribe' },
            turn_detection: {
              type: 'server_vad',
              threshold: 0.5,
              prefix_padding_ms: 100,
              silence_duration_ms: 300,
            },
          },
        },
      }),
    );
    await client.next('session.updated');
    sendPcm(client, concatPcm16([silence(500), tone(440, 700, 0.2), silence(600)]));
    const started = await client.next('input_audio_buffer.speech_started');
    expect(started.audio_start_ms).toBe(400); // 500 ms of silence minus 100 ms prefix padding
    const stopped = await client.next('input_audio_buffer.speech_stopped');
    expect(stopped.item_id).toBe(started.item_id);
    expect(stopped.audio_end_ms).toBeGreaterThanOrEqual(1200 + 300);
    expect(stopped.audio_end_ms).toBeLessThanOrEqual(1200 + 300 + 100);
    const committed = await client.next('input_audio_buffer.committed');
    expect(committed.item_id).toBe(started.item_id);
    const item = await client.next('conversation.item.added');
    expect(item.item).toMatchObject({
      id: started.item_id,
      role: 'user',
      content: [{ type: 'input_audio' }],
    });
    await client.next('conversation.item.input_audio_transcription.delta');
    const completed = await client.next('conversation.item.input_audio_transcription.completed');
    expect(completed).toMatchObject({
      item_id: started.item_id,
      transcript: 'i need help with my order',
    });
    const response = await client.next('response.created');
    expect((response.response as any).metadata).toBeNull();
    const said = await client.next('response.output_audio_transcript.done');
    expect(said.transcript).toBe('Please tell me your order number.');
    // Only one turn: the trailing silence must not trigger another start.
    expect(
      client.typesSince().filter((t) => t === 'input_audio_buffer.speech_started'),
    ).toHaveLength(1);
  });

  it('with turn_detection null the client commits and asks for the response', async () => {
    const client = await connect();
    client.send(gaUpdate({ audio: { input: { turn_detection: null, transcription: null } } }));
    await client.next('session.updated');
    client.send({ type: 'input_audio_buffer.commit', event_id: 'commit_empty' });
    const empty = await client.next('error');
    expect(empty.error).toMatchObject({
      code: 'input_audio_buffer_commit_empty',
      event_id: 'commit_empty',
    });

    sendPcm(client, concatPcm16([tone(300, 600, 0.3), silence(800)]));
    client.send({ type: 'input_audio_buffer.commit' });
    const committed = await client.next('input_audio_buffer.committed');
    await client.next('conversation.item.added');
    client.send({ type: 'response.create' });
    await client.next('response.done');
    const types = client.typesSince();
    expect(types).not.toContain('input_audio_buffer.speech_started');
    expect(types).not.toContain('conversation.item.input_audio_transcription.completed');
    const turn = emulator.sessions().at(-1)!.userTurns[0]!;
    expect(turn).toMatchObject({ itemId: committed.item_id, kind: 'audio', answered: true });
    expect(turn.audioMs).toBeCloseTo(1400, 0);

    client.send({
      type: 'input_audio_buffer.append',
      audio: pcm16ToBuffer(tone(300, 100)).toString('base64'),
    });
    client.send({ type: 'input_audio_buffer.clear' });
    await client.next('input_audio_buffer.cleared');
  });

  it('cancels a response and truncates items; a second cancel is an error', async () => {
    emulator.setScenario({ ...SCENARIO, audioPacing: 'realtime' });
    const client = await connect();
    client.send({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'long answer please' }],
      },
    });
    client.send({ type: 'response.create' });
    const created = await client.next('response.created');
    await client.next('response.output_audio.delta');
    client.send({ type: 'response.create', event_id: 'second' });
    const busy = await client.next('error');
    expect(busy.error).toMatchObject({
      code: 'conversation_already_has_active_response',
      event_id: 'second',
    });
    client.send({ type: 'response.cancel' });
    const done = await client.next('response.done');
    const response = done.response as any;
    expect(response).toMatchObject({
      id: (created.response as any).id,
      status: 'cancelled',
      status_details: { type: 'cancelled', reason: 'client_cancelled' },
    });
    expect(response.output[0].status).toBe('incomplete');
    const countAtDone = client.received.length;
    await new Promise((r) => setTimeout(r, 150));
    expect(client.typesSince(countAtDone)).not.toContain('response.output_audio.delta');

    client.send({ type: 'response.cancel', event_id: 'cancel2' });
    const err = await client.next('error');
    expect((err.error as any).message).toMatch(/^Cancellation failed/);

    const itemId = response.output[0].id as string;
    client.send({
      type: 'conversation.item.truncate',
      item_id: itemId,
      content_index: 0,
      audio_end_ms: 50,
    });
    expect(await client.next('conversation.item.truncated')).toMatchObject({
      item_id: itemId,
      audio_end_ms: 50,
    });
    client.send({
      type: 'conversation.item.truncate',
      event_id: 'too_far',
      item_id: itemId,
      content_index: 0,
      audio_end_ms: 60_000,
    });
    expect((await client.next('error')).error).toMatchObject({
      event_id: 'too_far',
      param: 'audio_end_ms',
    });
    expect(emulator.sessions().at(-1)!.responses[0]).toMatchObject({
      status: 'cancelled',
      cancelReason: 'client_cancelled',
    });
  });

  it('speech during a response interrupts it (interrupt_response)', async () => {
    emulator.setScenario({ ...SCENARIO, audioPacing: 'realtime' });
    const client = await connect();
    client.send(
      gaUpdate({
        audio: { input: { turn_detection: { type: 'server_vad', silence_duration_ms: 200 } } },
      }),
    );
    client.send({ type: 'response.create' });
    await client.next('response.output_audio.delta');
    sendPcm(client, tone(500, 300, 0.3));
    await client.next('input_audio_buffer.speech_started');
    const done = await client.next('response.done');
    expect(done.response).toMatchObject({
      status: 'cancelled',
      status_details: { reason: 'turn_detected' },
    });
  });

  it('answers malformed client events with invalid_request_error and stays connected', async () => {
    const client = await connect();
    client.sendRaw('{not json');
    expect((await client.next('error')).error).toMatchObject({
      type: 'invalid_request_error',
      code: 'invalid_json',
    });
    client.send({ type: 'response.explode', event_id: 'e1' });
    expect((await client.next('error')).error).toMatchObject({
      code: 'invalid_value',
      param: 'type',
      event_id: 'e1',
    });
    client.send({ type: 'conversation.item.create', event_id: 'e2' });
    expect((await client.next('error')).error).toMatchObject({
      code: 'missing_required_parameter',
      param: 'item',
      event_id: 'e2',
    });
    client.send({
      type: 'session.update',
      event_id: 'e3',
      session: { type: 'realtime', modalities: ['text'] },
    });
    expect((await client.next('error')).error).toMatchObject({
      code: 'unknown_parameter',
      param: 'session.modalities',
    });
    client.send({ type: 'conversation.item.delete', event_id: 'e4', item_id: 'nope' });
    expect((await client.next('error')).error).toMatchObject({ event_id: 'e4', param: 'item_id' });
    client.send({
      type: 'conversation.item.create',
      event_id: 'e5',
      previous_item_id: 'missing',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'x' }] },
    });
    expect((await client.next('error')).error).toMatchObject({
      event_id: 'e5',
      param: 'previous_item_id',
    });
    client.send({ type: 'input_audio_buffer.append', event_id: 'e6', audio: '***' });
    expect((await client.next('error')).error).toMatchObject({ event_id: 'e6', param: 'audio' });
    // Still usable.
    client.send({ type: 'response.create' });
    expect((await client.next('response.done')).response).toMatchObject({ status: 'completed' });
    expect(emulator.events.some((e) => e.type === '(invalid json)')).toBe(true);
  });

  it('speaks the beta dialect to clients that send OpenAI-Beta: realtime=v1', async () => {
    const client = await connect({
      headers: { Authorization: 'Bearer x', 'OpenAI-Beta': 'realtime=v1' },
      model: 'gpt-4o-realtime-preview',
    });
    expect((client.received[0]!.session as any).modalities).toEqual(['audio', 'text']);
    client.send({
      type: 'session.update',
      session: { instructions: 'beta', turn_detection: null },
    });
    // Off: left out, as the beta type does not allow null.
    expect((await client.next('session.updated')).session).not.toHaveProperty('turn_detection');
    client.send({
      type: 'conversation.item.create',
      item: {
        id: 'item_beta',
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'hi' }],
      },
    });
    expect((await client.next('conversation.item.created')).item).toMatchObject({
      id: 'item_beta',
    });
    client.send({ type: 'response.create' });
    await client.next('response.done');
    const types = new Set(client.typesSince());
    expect(types.has('response.audio.delta')).toBe(true);
    expect(types.has('response.audio_transcript.done')).toBe(true);
    expect(types.has('response.output_audio.delta')).toBe(false);
    expect(types.has('conversation.item.added')).toBe(false);
    expect(emulator.sessions().at(-1)).toMatchObject({
      dialect: 'beta',
      model: 'gpt-4o-realtime-preview',
    });
  });

  it('drops connections abruptly and refuses new upgrades with 503', async () => {
    const client = await connect();
    emulator.dropConnections();
    expect((await client.closed).code).toBe(1006);

    emulator.refuseConnections(true);
    await expect(RawRealtimeClient.connect(emulator.url)).rejects.toThrow(/503/);
    emulator.refuseConnections(false);
    const again = await connect();
    expect(again.received[0]!.type).toBe('session.created');
  });

  it('waitFor resolves with recorded and future client events', async () => {
    const client = await connect();
    client.send({ type: 'input_audio_buffer.clear', event_id: 'marker_1' });
    const past = await emulator.waitFor((e) => e.event.event_id === 'marker_1');
    expect(past.type).toBe('input_audio_buffer.clear');
    const future = emulator.waitFor((e) => e.event.event_id === 'marker_2', 2000);
    client.send({ type: 'input_audio_buffer.clear', event_id: 'marker_2' });
    expect((await future).sessionId).toBe(past.sessionId);
    await expect(emulator.waitFor(() => false, 50)).rejects.toThrow(/no matching client event/);
  });

  it('stamps recorded events with the injected clock', async () => {
    let tick = 1_000;
    const clocked = await createRealtimeEmulator({ scenario: SCENARIO, logger, now: () => ++tick });
    try {
      const client = await RawRealtimeClient.connect(clocked.url);
      clients.push(client);
      await client.next('session.created');
      client.send({ type: 'input_audio_buffer.clear', event_id: 'clocked' });
      const received = await clocked.waitFor((e) => e.event.event_id === 'clocked');
      const created = clocked.serverEvents.find((e) => e.type === 'session.created')!;
      expect(created.sentAt).toBeGreaterThan(1_000);
      expect(received.receivedAt).toBeGreaterThan(created.sentAt);
      expect(received.receivedAt).toBeLessThan(1_100);
    } finally {
      await clocked.close();
    }
  });
});
