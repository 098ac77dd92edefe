// Over a real WebSocket: the emulator refuses what OpenAI refuses, with `error` events in OpenAI's
// shape on a connection that stays open; `session.created` carries OpenAI's defaults; and the
// session limit ends a session with `session_expired` and OpenAI's close.
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRealtimeEmulator, type RealtimeEmulator } from './server.js';
import type { ScenarioInput } from './scenario.js';
import { RawRealtimeClient, type ServerEvent } from './test-client.js';

const logger = pino({ level: 'silent' });
const SCENARIO: ScenarioInput = {
  name: 'conformance-test',
  audioPacing: 'fast',
  rules: [
    {
      match: { text: 'order (\\d+)' },
      function_call: { name: 'lookup_order', arguments: { order_id: '$1' } },
      say: 'Order $1 is {{output.status}}.',
    },
  ],
};

let emulator: RealtimeEmulator;
const clients: RawRealtimeClient[] = [];

async function connect(options?: Parameters<typeof RawRealtimeClient.connect>[1], on = emulator) {
  const client = await RawRealtimeClient.connect(on.url, options);
  clients.push(client);
  await client.next('session.created');
  return client;
}

/** The error answering the client event with this id, after checking OpenAI's error shape. */
async function errorFor(client: RawRealtimeClient): Promise<Record<string, unknown>> {
  const event = await client.next('error');
  expect(Object.keys(event).sort()).toEqual(['error', 'event_id', 'type']);
  expect(event.event_id).toMatch(/^event_/);
  const error = event.error as Record<string, unknown>;
  expect(Object.keys(error).sort()).toEqual(['code', 'event_id', 'message', 'param', 'type']);
  expect(error.type).toBe('invalid_request_error');
  expect(typeof error.message).toBe('string');
  return error;
}

/** The connection is still open and answers: a response can run to completion. */
async function stillServes(client: RawRealtimeClient): Promise<void> {
  client.send({ type: 'response.create', response: { output_modalities: ['text'] } });
  expect(((await client.next('response.done')).response as any).status).toBe('completed');
  expect(client.ws.readyState).toBe(client.ws.OPEN);
}

function gaUpdate(eventId: string, session: Record<string, unknown>) {
  return { type: 'session.update', event_id: eventId, session: { type: 'realtime', ...session } };
}

beforeAll(async () => {
  emulator = await createRealtimeEmulator({ scenario: SCENARIO, logger });
});

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

afterAll(async () => {
  await emulator.close();
});

describe('refusals, as the real service refuses', () => {
  it('a function_call_output whose call_id matches no function_call (invalid_tool_call_id)', async () => {
    const client = await connect();
    client.send({
      type: 'conversation.item.create',
      event_id: 'evt_out',
      item: { type: 'function_call_output', call_id: 'call_nowhere', output: '{}' },
    });
    expect(await errorFor(client)).toEqual({
      type: 'invalid_request_error',
      code: 'invalid_tool_call_id',
      message: "Tool call ID 'call_nowhere' not found in conversation.",
      param: null,
      event_id: null,
    });
    expect(emulator.sessions().at(-1)!.conversation).toHaveLength(0);

    // The output of a call the model made is accepted.
    client.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'order 7' }] },
    });
    client.send({ type: 'response.create' });
    const call = (await client.next('response.output_item.done')).item as any;
    await client.next('response.done');
    client.send({
      type: 'conversation.item.create',
      item: { type: 'function_call_output', call_id: call.call_id, output: '{"status":"sent"}' },
    });
    expect(((await client.next('conversation.item.added')).item as any).type).toBe(
      'function_call_output',
    );
    // So is one for a call the client appended itself.
    client.send({
      type: 'conversation.item.create',
      item: { type: 'function_call', call_id: 'call_own', name: 'lookup_order', arguments: '{}' },
    });
    await client.next(
      (e) => e.type === 'conversation.item.added' && (e.item as any).call_id === 'call_own',
    );
    client.send({
      type: 'conversation.item.create',
      item: { type: 'function_call_output', call_id: 'call_own', output: '{}' },
    });
    await client.next(
      (e) =>
        e.type === 'conversation.item.added' && (e.item as any).type === 'function_call_output',
    );
    expect(client.typesSince().filter((t) => t === 'error')).toHaveLength(1);
  });

  it("a bare-string tool_choice (only 'none' | 'auto' | 'required' or { type: 'function', name })", async () => {
    const client = await connect();
    client.send(gaUpdate('evt_tc', { tool_choice: 'lookup_order' }));
    expect(await errorFor(client)).toEqual({
      type: 'invalid_request_error',
      code: 'invalid_value',
      message:
        "Invalid value: 'lookup_order'. Supported values are: 'none', 'auto', and 'required'.",
      param: 'session.tool_choice',
      event_id: 'evt_tc',
    });
    client.send({
      type: 'response.create',
      event_id: 'evt_rc',
      response: { tool_choice: 'lookup_order' },
    });
    expect(await errorFor(client)).toMatchObject({
      code: 'invalid_value',
      param: 'response.tool_choice',
      event_id: 'evt_rc',
    });
    client.send(gaUpdate('evt_ok', { tool_choice: { type: 'function', name: 'lookup_order' } }));
    expect(((await client.next('session.updated')).session as any).tool_choice).toEqual({
      type: 'function',
      name: 'lookup_order',
    });
    await stillServes(client);
  });

  it('both output modalities at once', async () => {
    const client = await connect();
    client.send(gaUpdate('evt_mod', { output_modalities: ['text', 'audio'] }));
    expect(await errorFor(client)).toMatchObject({
      code: 'invalid_value',
      param: 'session.output_modalities',
      event_id: 'evt_mod',
    });
    client.send({
      type: 'response.create',
      event_id: 'evt_rmod',
      response: { output_modalities: ['audio', 'text'] },
    });
    expect(await errorFor(client)).toMatchObject({
      code: 'invalid_value',
      param: 'response.output_modalities',
      event_id: 'evt_rmod',
    });
    expect(emulator.sessions().at(-1)!.config.outputModalities).toEqual(['audio']);
    await stillServes(client);
  });

  it('an unsupported audio format', async () => {
    const client = await connect();
    const cases: Array<[Record<string, unknown>, Record<string, unknown>]> = [
      [
        { input: { format: { type: 'audio/pcm', rate: 16000 } } },
        {
          code: 'invalid_value',
          param: 'session.audio.input.format.rate',
          message: 'Invalid value: 16000. Supported values are: 24000.',
        },
      ],
      [
        { output: { format: { type: 'pcm16' } } },
        {
          code: 'invalid_value',
          param: 'session.audio.output.format.type',
          message:
            "Invalid value: 'pcm16'. Supported values are: 'audio/pcm', 'audio/pcmu', and 'audio/pcma'.",
        },
      ],
      [
        { output: { format: { type: 'audio/pcm' } } },
        {
          code: 'missing_required_parameter',
          param: 'session.audio.output.format.rate',
          message: "Missing required parameter: 'session.audio.output.format.rate'.",
        },
      ],
      [
        { input: { format: { type: 'audio/pcmu', rate: 24000 } } },
        { code: 'unknown_parameter', param: 'session.audio.input.format.rate' },
      ],
    ];
    for (const [i, [audio, expected]] of cases.entries()) {
      client.send(gaUpdate(`evt_fmt_${i}`, { audio }));
      expect(await errorFor(client)).toMatchObject({ ...expected, event_id: `evt_fmt_${i}` });
    }
    // The supported ones are stored and echoed.
    client.send(gaUpdate('evt_g711', { audio: { input: { format: { type: 'audio/pcmu' } } } }));
    const s = (await client.next('session.updated')).session as any;
    expect(s.audio.input.format).toEqual({ type: 'audio/pcmu' });
    expect(s.audio.output.format).toEqual({ type: 'audio/pcm', rate: 24000 });
    await stillServes(client);
  });

  it('unknown parameters and wrong types, with the client event_id', async () => {
    const client = await connect();
    client.send({ type: 'response.cancel', event_id: 'evt_x', extra: 1 });
    expect(await errorFor(client)).toEqual({
      type: 'invalid_request_error',
      code: 'unknown_parameter',
      message: "Unknown parameter: 'extra'.",
      param: 'extra',
      event_id: 'evt_x',
    });
    client.send({
      type: 'conversation.item.create',
      event_id: 'evt_role',
      item: { type: 'message', role: 'user', content: [{ type: 'output_text', text: 'x' }] },
    });
    expect(await errorFor(client)).toMatchObject({
      code: 'invalid_value',
      param: 'item.content.0.type',
      event_id: 'evt_role',
    });
    client.send({ type: 'input_audio_buffer.append', event_id: 'evt_t', audio: 5 });
    expect(await errorFor(client)).toMatchObject({
      code: 'invalid_type',
      param: 'audio',
      event_id: 'evt_t',
    });
    await stillServes(client);
  });
});

describe('session.created', () => {
  it("reports OpenAI's defaults: server VAD 0.5 / 300 ms prefix / 500 ms silence, audio out, PCM 24 kHz", async () => {
    const before = Date.now();
    const client = await connect();
    const created = client.received[0]!;
    expect(created).toMatchObject({ type: 'session.created' });
    const s = created.session as any;
    expect(s).toMatchObject({
      type: 'realtime',
      object: 'realtime.session',
      model: 'gpt-realtime',
      output_modalities: ['audio'],
      tool_choice: 'auto',
      tools: [],
      max_output_tokens: 'inf',
    });
    expect(s.id).toMatch(/^sess_/);
    expect(s.audio.input.turn_detection).toEqual({
      type: 'server_vad',
      threshold: 0.5,
      prefix_padding_ms: 300,
      silence_duration_ms: 500,
      idle_timeout_ms: null,
      create_response: true,
      interrupt_response: true,
    });
    expect(s.audio.input.format).toEqual({ type: 'audio/pcm', rate: 24000 });
    expect(s.audio.output).toMatchObject({
      format: { type: 'audio/pcm', rate: 24000 },
      voice: 'marin',
    });
    // Transcription is off until configured (left out: the type does not allow null).
    expect(s.audio.input).not.toHaveProperty('transcription');
    // expires_at = connection time + the 60-minute limit.
    expect(s.expires_at).toBeGreaterThanOrEqual(Math.floor(before / 1000) + 3600 - 1);
    expect(s.expires_at).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 3600);
  });
});

describe('session limit', () => {
  it('sends session_expired, then closes with 1001 and the same message (compressed to 1 s)', async () => {
    const short = await createRealtimeEmulator({ scenario: SCENARIO, logger, maxSessionMs: 1000 });
    try {
      const opened = Date.now();
      const client = await connect(undefined, short);
      const closed = new Promise<{ code: number; reason: string }>((resolve) =>
        client.ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
      );
      const expired: ServerEvent = await client.next('error', 3000);
      expect(Date.now() - opened).toBeGreaterThanOrEqual(950);
      expect(expired.error).toEqual({
        type: 'invalid_request_error',
        code: 'session_expired',
        message: 'Your session hit the maximum duration of 1 second.',
        param: null,
        event_id: null,
      });
      expect(await closed).toEqual({
        code: 1001,
        reason: 'Your session hit the maximum duration of 1 second.',
      });
      await expect.poll(() => short.sessions()[0]!.open).toBe(false);
      // A new connection is a new session with its own clock.
      const again = await connect(undefined, short);
      expect(again.received[0]!.type).toBe('session.created');
    } finally {
      await short.close();
    }
  });

  it('defaults to 60 minutes, worded in minutes', async () => {
    const client = await connect();
    expect((client.received[0]!.session as any).expires_at).toBeGreaterThan(
      Date.now() / 1000 + 3590,
    );
    const { sessionExpired } = await import('./errors.js');
    expect(sessionExpired(60 * 60_000).message).toBe(
      'Your session hit the maximum duration of 60 minutes.',
    );
  });
});
