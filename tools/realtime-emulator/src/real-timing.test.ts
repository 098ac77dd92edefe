// Real timing and bad days over a real WebSocket: burst audio, truncation rules, asynchronous input
// transcription, the realistic profile's draws, and every scenario fault action.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { chunkPcm16, pcm16ToBuffer } from './audio.js';
import { createJitter, createRng, resolveProfile } from './profile.js';
import {
  createRealtimeEmulator,
  type RealtimeEmulator,
  type RealtimeEmulatorOptions,
} from './server.js';
import type { ScenarioInput } from './scenario.js';
import { RawRealtimeClient, type ServerEvent } from './test-client.js';

const logger = pino({ level: 'silent' });
const SAY = 'Your order has shipped and arrives tomorrow.';

const SCENARIO: ScenarioInput = {
  name: 'real-timing',
  audioPacing: 'fast',
  rules: [
    { match: { text: 'plain' }, say: SAY },
    { id: 'failed', match: { text: 'fail' }, fault: { type: 'failed' }, say: 'Second try works.' },
    {
      id: 'cut',
      match: { text: 'cut' },
      fault: { type: 'incomplete', reason: 'content_filter' },
      say: SAY,
    },
    { id: 'oops', match: { text: 'oops' }, fault: { type: 'server_error' }, say: 'Retried.' },
    { id: 'busy', match: { text: 'busy' }, fault: { type: 'already_active' }, say: 'Now free.' },
    { id: 'drop', match: { text: 'drop' }, fault: { type: 'drop', afterMs: 50 }, say: SAY },
    {
      id: 'expire',
      match: { text: 'expire' },
      fault: { type: 'session_expired', afterMs: 50 },
      say: SAY,
    },
    { match: { text: 'limits' }, rate_limits: { requests: 0, tokens: 12 }, say: 'Still here.' },
    {
      id: 'preamble',
      match: { text: 'look (\\d+)' },
      preamble: 'Let me check that.',
      function_call: { name: 'lookup', arguments: { id: '$1' } },
      say: 'Found {{output}}.',
    },
    {
      id: 'chain',
      match: { text: 'chain' },
      function_call: { name: 'first', arguments: {} },
      then: { function_call: { name: 'second', arguments: {} }, say: 'Both: {{output}}.' },
    },
    {
      id: 'parallel',
      match: { text: 'both' },
      function_call: [
        { name: 'a', arguments: { n: 1 } },
        { name: 'b', arguments: { n: 2 } },
      ],
      say: '{{outputs.0}} and {{outputs.1}}',
    },
    { match: { turn: 0 }, transcript: 'hello there' },
    { match: { any: true }, say: SAY },
  ],
};

let emulator: RealtimeEmulator;
const clients: RawRealtimeClient[] = [];

async function start(options: Partial<RealtimeEmulatorOptions> = {}) {
  emulator = await createRealtimeEmulator({ scenario: SCENARIO, logger, ...options });
  const client = await RawRealtimeClient.connect(emulator.url);
  clients.push(client);
  await client.next('session.created');
  return client;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await emulator?.close();
});

function say(client: RawRealtimeClient, text: string): void {
  client.send({
    type: 'conversation.item.create',
    item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
  });
  client.send({ type: 'response.create', event_id: `evt_${text.replace(/\W/g, '')}` });
}

async function reply(client: RawRealtimeClient, call: ServerEvent, output: string): Promise<void> {
  const item = call.item as { call_id: string };
  client.send({
    type: 'conversation.item.create',
    item: { type: 'function_call_output', call_id: item.call_id, output },
  });
  await client.next('conversation.item.added');
}

const done = (c: RawRealtimeClient) => c.next('response.done', 5000);
const statusOf = (e: ServerEvent) => (e.response as { status: string }).status;

describe('burst pacing', () => {
  it('sends the audio faster than real time and response.done right after the last delta', async () => {
    const client = await start({ audioPacing: 'burst' });
    const sentAt = Date.now();
    say(client, 'plain');
    const end = await done(client);
    const elapsed = Date.now() - sentAt;
    const audioMs =
      client.received.filter((e) => e.type === 'response.output_audio.delta').length * 50;
    expect(audioMs).toBeGreaterThan(1500);
    // 4x: a quarter of the audio's length, with slack for a loaded machine.
    expect(elapsed).toBeLessThan(audioMs * 0.6);
    expect(statusOf(end)).toBe('completed');
    const types = client.typesSince();
    expect(types.lastIndexOf('response.output_audio.delta')).toBeLessThan(
      types.indexOf('response.done'),
    );
  });
});

describe('conversation.item.truncate', () => {
  it('checks item, content index and length as OpenAI does, then cuts the audio and drops the transcript', async () => {
    const client = await start({ audioPacing: 'burst' });
    say(client, 'plain');
    const end = await done(client);
    const item = (end.response as { output: Array<{ id: string }> }).output[0]!;
    const userItem = emulator.sessions()[0]!.conversation.find((c) => c.role === 'user')!;
    const truncate = (item_id: string, content_index: number, audio_end_ms: number) =>
      client.send({ type: 'conversation.item.truncate', item_id, content_index, audio_end_ms });

    truncate('item_missing', 0, 100);
    expect((await client.next('error')).error).toMatchObject({
      code: 'invalid_value',
      param: 'item_id',
    });
    truncate(userItem.id, 0, 100);
    expect((await client.next('error')).error).toMatchObject({ param: 'item_id' });
    truncate(item.id, 1, 100);
    expect((await client.next('error')).error).toMatchObject({ param: 'content_index' });
    truncate(item.id, 0, 60_000);
    expect((await client.next('error')).error).toMatchObject({
      param: 'audio_end_ms',
      message: expect.stringMatching(/is already shorter than 60000ms$/),
    });
    truncate(item.id, 0, 700);
    expect(await client.next('conversation.item.truncated')).toMatchObject({
      item_id: item.id,
      content_index: 0,
      audio_end_ms: 700,
    });
    const stored = emulator.sessions()[0]!.conversation.find((c) => c.id === item.id)!;
    expect(stored).toMatchObject({ truncatedAtMs: 700, audioMs: 700 });
    expect(stored.item).toMatchObject({ content: [{ type: 'output_audio', transcript: '' }] });
  });
});

describe('input transcription', () => {
  async function audioTurn(options: Partial<RealtimeEmulatorOptions>) {
    const client = await start(options);
    client.send({
      type: 'session.update',
      session: {
        type: 'realtime',
        audio: { input: { turn_detection: null, transcription: { model: 'gpt-4o-transcribe' } } },
      },
    });
    await client.next('session.updated');
    for (const chunk of chunkPcm16(new Int16Array(24_000 / 2), 100)) {
      client.send({
        type: 'input_audio_buffer.append',
        audio: pcm16ToBuffer(chunk).toString('base64'),
      });
    }
    client.send({ type: 'input_audio_buffer.commit' });
    const committed = await client.next('input_audio_buffer.committed');
    return { client, itemId: committed.item_id as string };
  }

  it('can complete after the response, and a delete before that is flagged', async () => {
    const { client, itemId } = await audioTurn({
      profile: { name: 'ideal', transcriptionDelayMs: { min: 300, max: 300 } },
    });
    client.send({ type: 'response.create' });
    await done(client);
    const completed = await client.next('conversation.item.input_audio_transcription.completed');
    expect(completed).toMatchObject({ item_id: itemId, transcript: 'hello there' });
    const types = client.typesSince();
    expect(types.indexOf('response.done')).toBeLessThan(
      types.indexOf('conversation.item.input_audio_transcription.completed'),
    );
    expect(emulator.sessions()[0]!.violations).toEqual([]);

    const second = await audioTurn({
      profile: { name: 'ideal', transcriptionDelayMs: { min: 500, max: 500 } },
    });
    second.client.send({ type: 'conversation.item.delete', item_id: second.itemId });
    await second.client.next('conversation.item.deleted');
    expect(emulator.sessions()[0]!.violations).toEqual([
      expect.objectContaining({
        kind: 'deleted_item_with_pending_transcript',
        itemId: second.itemId,
      }),
    ]);
  });

  it('sometimes fails, as configured', async () => {
    const { client, itemId } = await audioTurn({
      profile: {
        name: 'ideal',
        transcriptionDelayMs: { min: 10, max: 10 },
        transcriptionFailRate: 1,
      },
    });
    const failed = await client.next('conversation.item.input_audio_transcription.failed');
    expect(failed).toMatchObject({
      item_id: itemId,
      content_index: 0,
      error: { type: 'transcription_error' },
    });
  });
});

describe('the realistic profile', () => {
  it('is seeded: the same seed draws the same delays', () => {
    const a = createRng(42);
    const b = createRng(42);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
    const p = resolveProfile('realistic', 7);
    const draws = (i: number) => {
      const j = createJitter(p, i);
      return [j.draw(p.firstOutputMs), j.draw(p.networkOneWayMs)];
    };
    expect(draws(0)).toEqual(draws(0));
    for (const [first, net] of [draws(0), draws(1), draws(2)]) {
      expect(first).toBeGreaterThanOrEqual(300);
      expect(first).toBeLessThanOrEqual(800);
      expect(net).toBeGreaterThanOrEqual(30);
      expect(net).toBeLessThanOrEqual(75);
    }
  });

  it('delays the first output, streams arguments over several deltas and delays the reply to a tool result', async () => {
    const client = await start({ profile: 'realistic', seed: 3, audioPacing: 'fast' });
    expect(emulator.profileDescription).toMatch(/^profile realistic seed 3 .*ENERGY VAD/);
    const t0 = Date.now();
    say(client, 'look 12');
    const firstItem = await client.next('response.output_item.added', 5000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300 + 60);
    expect(firstItem.item).toMatchObject({ type: 'message' });
    const call = await client.next(
      (e) =>
        e.type === 'response.output_item.done' &&
        (e.item as { type: string }).type === 'function_call',
      5000,
    );
    const deltas = client.received.filter(
      (e) => e.type === 'response.function_call_arguments.delta',
    );
    expect(deltas.length).toBeGreaterThanOrEqual(3);
    expect(deltas.map((d) => d.delta).join('')).toBe('{"id":"12"}');
    await done(client);
    await reply(client, call, 'O12');
    const t1 = Date.now();
    client.send({ type: 'response.create' });
    await client.next('response.output_item.added', 5000);
    expect(Date.now() - t1).toBeGreaterThanOrEqual(600);
  });
});

describe('fault actions', () => {
  it('a spoken preamble and a function call in one response', async () => {
    const client = await start();
    say(client, 'look 7');
    const end = await done(client);
    const output = (end.response as { output: Array<{ type: string }> }).output;
    expect(output.map((o) => o.type)).toEqual(['message', 'function_call']);
    expect(client.received.some((e) => e.type === 'response.output_audio.delta')).toBe(true);
  });

  it('chained and parallel function calls', async () => {
    const client = await start();
    say(client, 'chain');
    const first = await client.next((e) => e.type === 'response.output_item.done');
    await done(client);
    await reply(client, first, 'one');
    client.send({ type: 'response.create' });
    const second = await client.next((e) => e.type === 'response.output_item.done');
    expect(second.item).toMatchObject({ type: 'function_call', name: 'second' });
    await done(client);
    await reply(client, second, 'two');
    client.send({ type: 'response.create' });
    await done(client);
    expect(emulator.sessions()[0]!.responses.at(-1)!.text).toBe('Both: two.');

    say(client, 'both');
    const end = await done(client);
    const calls = (end.response as { output: Array<{ name: string }> }).output;
    expect(calls.map((c) => c.name)).toEqual(['a', 'b']);
  });

  it('response.done failed, then the retry is answered', async () => {
    const client = await start();
    say(client, 'fail');
    const end = await done(client);
    expect(end.response).toMatchObject({
      status: 'failed',
      status_details: { type: 'failed', error: { type: 'server_error' } },
      output: [],
    });
    client.send({ type: 'response.create' });
    expect(statusOf(await done(client))).toBe('completed');
    expect(emulator.sessions()[0]!.responses.map((r) => [r.status, r.text])).toEqual([
      ['failed', 'Second try works.'],
      ['completed', 'Second try works.'],
    ]);
  });

  it('response.done incomplete with max_output_tokens / content_filter after part of the answer', async () => {
    const client = await start();
    say(client, 'cut');
    const end = await done(client);
    expect(end.response).toMatchObject({
      status: 'incomplete',
      status_details: { type: 'incomplete', reason: 'content_filter' },
      output: [{ type: 'message', status: 'incomplete' }],
    });
    const record = emulator.sessions()[0]!.responses[0]!;
    expect(record.deliveredText.length).toBeGreaterThan(0);
    expect(record.deliveredText.length).toBeLessThan(SAY.length);
  });

  it('a server_error event, then response.done failed', async () => {
    const client = await start();
    say(client, 'oops');
    const error = await client.next('error');
    expect(error.error).toMatchObject({ type: 'server_error', event_id: null });
    expect(statusOf(await done(client))).toBe('failed');
  });

  it('rate_limits.updated near zero at the start of the response', async () => {
    const client = await start();
    say(client, 'limits');
    const limits = await client.next('rate_limits.updated');
    expect(limits.rate_limits).toEqual([
      expect.objectContaining({ name: 'requests', remaining: 0 }),
      expect.objectContaining({ name: 'tokens', remaining: 12 }),
    ]);
    expect(statusOf(await done(client))).toBe('completed');
  });

  it('conversation_already_has_active_response, once', async () => {
    const client = await start();
    say(client, 'busy');
    const error = await client.next('error');
    expect(error.error).toMatchObject({
      code: 'conversation_already_has_active_response',
      event_id: 'evt_busy',
    });
    client.send({ type: 'response.create' });
    expect(statusOf(await done(client))).toBe('completed');
  });

  it('drops the socket mid-response', async () => {
    const client = await start({ audioPacing: 'realtime' });
    say(client, 'drop');
    await client.next('response.output_audio.delta');
    expect((await client.closed).code).toBe(1006);
    await expect.poll(() => emulator.sessions()[0]!.open).toBe(false);
    expect(emulator.sessions()[0]!.responses[0]).toMatchObject({
      status: 'cancelled',
      cancelReason: 'connection_closed',
      fault: 'drop',
    });
  });

  it('session_expired mid-response', async () => {
    const client = await start({ audioPacing: 'realtime' });
    say(client, 'expire');
    const error = await client.next('error');
    expect(error.error).toMatchObject({ code: 'session_expired' });
    expect((await client.closed).code).toBe(1001);
  });
});
