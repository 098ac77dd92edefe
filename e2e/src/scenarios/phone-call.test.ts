// Phone calls over real SIP and RTP into our self-hosted LiveKit, answered by our agent; the model
// is the Realtime emulator (the only stand-in). Run with `npm run test:e2e`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstAudibleMs, rmsDbfs } from '../sip-caller/index.js';
import { eventually, startHarness, UNKNOWN_CALLER, type Harness } from './harness.js';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(async () => {
  await harness?.close();
});

const toolOutputs = (name: string) =>
  harness.emulator
    .sessions()
    .flatMap((session) => session.functionCallOutputs.filter((output) => output.name === name));

describe('a phone call to the support number', () => {
  it('is answered and the greeting is heard within 2 s of the 200 OK', async () => {
    const call = harness.caller().call();
    const answered = await call.answered;
    const heard = await eventually(
      () => firstAudibleMs(call.received(), -45, { after: answered.at, minPackets: 3 }),
      8_000,
      'the greeting',
    );
    expect(heard - answered.at).toBeLessThan(2_000);
    await call.hangup();
  });

  it('answers a spoken question about an order with get_order_status and audible speech', async () => {
    const before = toolOutputs('get_order_status').length;
    const call = harness.caller().call();
    const answered = await call.answered;
    await eventually(
      () => firstAudibleMs(call.received(), -45, { after: answered.at, minPackets: 3 }),
      8_000,
      'the greeting',
    );
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const spoke = await call.playWav(
      harness.speech('Hello, where is my order nine zero zero two?'),
    );
    const output = await eventually(
      () => toolOutputs('get_order_status')[before],
      20_000,
      'get_order_status',
    );
    expect(JSON.parse(output.output).data.order).toMatchObject({
      order_id: 'O9002',
      delivery_status: 'Out for Delivery',
    });
    const answer = await eventually(
      () =>
        firstAudibleMs(call.received(), -45, { after: spoke.endedAt ?? Date.now(), minPackets: 5 }),
      15_000,
      'the answer',
    );
    expect(answer).toBeGreaterThan(0);
    await call.hangup();
  });

  it('looks up an order number typed on the keypad', async () => {
    const before = toolOutputs('get_order_status').length;
    const call = harness.caller().call();
    const answered = await call.answered;
    await eventually(
      () => firstAudibleMs(call.received(), -45, { after: answered.at, minPackets: 3 }),
      8_000,
      'the greeting',
    );
    await call.sendDtmf('9001#');
    const output = await eventually(
      () => toolOutputs('get_order_status')[before],
      20_000,
      'get_order_status from the keypad',
    );
    expect(JSON.parse(output.output).data.order.order_id).toBe('O9001');
    const typed = harness.emulator.events.some((event) =>
      JSON.stringify(event.event).includes('The caller typed: 9001'),
    );
    expect(typed).toBe(true);
    await call.hangup();
  });

  it('refuses a wrong digest password: no answer, no room', async () => {
    const roomsBefore = (await harness.rooms.listRooms()).length;
    // Its own caller number: the bridge answers repeated failures from one caller as a flood.
    const call = harness
      .caller({ password: 'wrong-password' })
      .call({ from: '+13125550111', answerTimeoutMs: 15_000 });
    const end = await call.ended;
    expect(end.answered).toBe(false);
    expect([401, 403, 407]).toContain(end.status);
    expect((await harness.rooms.listRooms()).length).toBe(roomsBefore);
  });

  it('refuses a number that has no trunk', async () => {
    // The bridge gives no final answer to a number it has no trunk for (nothing to learn for a
    // scanner): the INVITE transaction times out (short SIP timers here to keep the test quick).
    const call = harness
      .caller({ t1Ms: 100 })
      .call({ to: '+15559999999', from: '+13125550122', answerTimeoutMs: 15_000 });
    const end = await call.ended;
    expect(end.answered).toBe(false);
    expect(end.status).toBeGreaterThanOrEqual(400);
  });

  it('closes the room when the caller hangs up', async () => {
    const call = harness.caller().call({ from: UNKNOWN_CALLER });
    const answered = await call.answered;
    await eventually(
      () => firstAudibleMs(call.received(), -45, { after: answered.at, minPackets: 3 }),
      8_000,
      'the greeting',
    );
    const room = await eventually(
      async () =>
        (await harness.rooms.listRooms()).find(
          (r) => r.name.startsWith('call-') && r.name.includes(UNKNOWN_CALLER),
        )?.name,
      5_000,
      'the call room',
    );
    await call.hangup();
    await eventually(
      async () =>
        (await harness.rooms.listRooms()).some((r) => r.name === room) ? undefined : true,
      30_000,
      'the room to close',
    );
    expect(rmsDbfs(call.received().pcm)).toBeGreaterThan(-60);
  });
});
