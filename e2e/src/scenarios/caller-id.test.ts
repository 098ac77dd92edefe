// Caller ID is a claim, not an identity: the same spoofed number (Ana García's, on file) gets her
// orders only when the trunk vouches for it. A carrier-like trunk with `callerIdTrust: attested`
// is applied next to the dev trunk (which trusts any number: its callers are our softphones); a
// call on it that carries Twilio's STIR/SHAKEN verdict is trusted, one without it is not. Run with
// `npm run test:e2e -- caller-id`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ScenarioRule } from '@ecommerce-voicebot/realtime-emulator';
import { type Call } from '@ecommerce-voicebot/sip-caller';
import {
  answeredAndHeard,
  agentIdle,
  callRoom,
  eventually,
  KNOWN_CALLER,
  ROOT,
  startHarness,
  type Harness,
} from '../harness.js';

/** The attested trunk's number: shares no 4-digit run with KNOWN_CALLER, so a room name can show it. */
const ATTESTED_NUMBER = '+12027770199';
const TWILIO_VERIFIED = { 'X-Twilio-VerStat': 'TN-Validation-Passed-A' };

let harness: Harness;
/** The call of the running test, hung up after it even when an assertion failed. */
let active: Call | undefined;

/** sip/trunks.yaml plus a trunk that trusts only attested numbers, and its rule, applied as one file. */
async function applyAttestedTrunk(): Promise<void> {
  const committed = readFileSync(join(ROOT, 'sip/trunks.yaml'), 'utf8');
  const extraTrunk = `  - name: e2e-attested
    numbers: ['${ATTESTED_NUMBER}']
    auth:
      username: \${SIP_USERNAME}
      password: \${SIP_PASSWORD}
    callerIdTrust: attested
`;
  const extraRule = `  - name: e2e-attested-agent
    type: individual
    roomPrefix: call-
    trunks: [e2e-attested]
`;
  const text = `${committed.replace(/^outbound:/m, `${extraTrunk}\noutbound:`).trimEnd()}\n${extraRule}`;
  await harness.applyTrunksFile(text);
}

beforeAll(async () => {
  harness = await startHarness({ name: 'caller-id' });
  await applyAttestedTrunk();
});

afterEach(async () => {
  await active?.hangup().catch(() => undefined);
  active = undefined;
});

afterAll(async () => {
  await harness?.close();
});

beforeEach(async () => {
  // The caller's first turn is "what are my orders" (the script answers it with get_customer_orders).
  const { rules } = harness.baseScenario;
  await harness.scenario({
    rules: [
      { match: { turn: 0 }, transcript: 'what are my orders' } as ScenarioRule,
      ...rules.filter((rule) => !('turn' in rule.match)),
    ],
  });
  await agentIdle();
});

const customerOrders = () =>
  harness.emulator
    .sessions()
    .flatMap((session) =>
      session.functionCallOutputs.filter((output) => output.name === 'get_customer_orders'),
    );

/** A call to the attested trunk from Ana's number that asks for "my orders"; returns the tool's data. */
async function askForMyOrders(
  headers: Record<string, string>,
): Promise<{ call: Call; data: unknown; room: string }> {
  const before = customerOrders().length;
  const roomsBefore = new Set((await harness.rooms.listRooms()).map((room) => room.name));
  const call = harness.caller().call({ to: ATTESTED_NUMBER, from: KNOWN_CALLER, headers });
  active = call;
  await answeredAndHeard(call, 8_000, 'the greeting');
  const room = await eventually(
    () => callRoom(harness.rooms, KNOWN_CALLER, roomsBefore),
    5_000,
    'the call room',
  );
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  await call.playWav(harness.speech('What are my orders?'));
  const output = await eventually(() => customerOrders()[before], 20_000, 'get_customer_orders');
  return { call, data: JSON.parse(output.output).data, room };
}

/** The `call_started` line of the finished call record whose caller ID decision is `reason`. */
async function recordedDecision(reason: string): Promise<Record<string, unknown>> {
  return eventually(
    () => {
      const files = readdirSync(harness.callsDir, { recursive: true, encoding: 'utf8' }).filter(
        (file) => file.endsWith('.jsonl'),
      );
      for (const file of files) {
        const text = readFileSync(join(harness.callsDir, file), 'utf8');
        const lines = text
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as Record<string, unknown>);
        const started = lines[0];
        const decision = started?.callerId as { reason?: string } | undefined;
        if (decision?.reason === reason && lines.some((line) => line.type === 'call_ended')) {
          // Never the number, not even in the decision's record.
          expect(text).not.toContain(KNOWN_CALLER);
          return started;
        }
      }
      return undefined;
    },
    30_000,
    `a finished call record with the caller ID decision "${reason}"`,
  );
}

/** Every 4-digit run of the caller's number: none may appear in a room name. */
const digitRuns = (number: string): string[] => {
  const digits = number.replace(/\D/g, '');
  return [...Array(digits.length - 3).keys()].map((i) => digits.slice(i, i + 4));
};

describe('a caller number on a trunk that trusts only attested numbers', () => {
  it('gets no personal data from the number alone (spoofed caller ID, no carrier verification)', async () => {
    const { call, data, room } = await askForMyOrders({});
    expect(data).toEqual({ status: 'verification_required' });
    // The room is named after the number called, with nothing of the caller's number.
    expect(room).toMatch(/^call-_\+12027770199_[A-Za-z0-9]+$/);
    for (const run of digitRuns(KNOWN_CALLER)) expect(room).not.toContain(run);
    await call.hangup();
    expect(await recordedDecision('not_attested')).toMatchObject({
      type: 'call_started',
      callerId: { trusted: false, reason: 'not_attested' },
    });
  });

  it("gets the caller's own orders when the carrier attests the number (X-Twilio-VerStat A)", async () => {
    const { call, data, room } = await askForMyOrders(TWILIO_VERIFIED);
    expect(data).toMatchObject({ status: 'found', customer_id: 'C5000', total_orders: 3 });
    for (const run of digitRuns(KNOWN_CALLER)) expect(room).not.toContain(run);
    await call.hangup();
    expect(await recordedDecision('attested')).toMatchObject({
      callerId: { trusted: true, reason: 'attested' },
    });
  });

  it('gets no personal data when the verification attests less than A', async () => {
    const { call, data } = await askForMyOrders({ 'X-Twilio-VerStat': 'TN-Validation-Passed-C' });
    expect(data).toEqual({ status: 'verification_required' });
    await call.hangup();
    expect(await recordedDecision('attestation_insufficient')).toMatchObject({
      callerId: { trusted: false },
    });
  });
});
