/// <reference lib="dom" />
// A QA tester goes through the same call queue as phone callers: with room for one call (one
// worker, AGENT_MAX_CALLS=1) taken by a SIP call, a tester's session in Chromium is queued (the
// page shows its place in line, the switchboard's hold audio plays in the room, and the "agent has
// not joined" warning stays away); when the call ends the tester gets the agent, the page shows
// how long it waited, and the session's call record has the wait. Run with
// `npm run test:e2e -- tester-queue`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { SWITCHBOARD_IDENTITY_PREFIX } from '@ecommerce-voicebot/contracts';
import { callRoom, eventually, ROOT, startHarness, type Harness } from '../harness.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = join(ROOT, 'test-artifacts/e2e/tester-queue');
const GREETING = 'thanks for calling the store';
const CALLER = '+14155550190';
const KIND_AGENT = 4;

let harness: Harness;
let browser: Browser;
let page: Page;

const clock = () => performance.timeOrigin + performance.now();

/** A silent microphone: the tester only listens (a tone would be heard as speech). */
function silentWav(): string {
  const wav = join(mkdtempSync(join(tmpdir(), 'mic-')), 'silence.wav');
  execFileSync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', wav, 'trim', '0', '90']);
  return wav;
}

/** Audio the page received over WebRTC (bytes and energy summed over inbound audio). */
async function inboundAudio(): Promise<{ bytes: number; energy: number }> {
  return page.evaluate(async () => {
    const connections = (window as unknown as { __peerConnections: RTCPeerConnection[] })
      .__peerConnections;
    let bytes = 0;
    let energy = 0;
    for (const connection of connections) {
      const stats = await connection.getStats();
      stats.forEach((report: { type: string; kind?: string } & Record<string, unknown>) => {
        if (report.type === 'inbound-rtp' && report.kind === 'audio') {
          bytes += Number(report.bytesReceived ?? 0);
          energy += Number(report.totalAudioEnergy ?? 0);
        }
      });
    }
    return { bytes, energy };
  });
}

async function hasAgent(room: string): Promise<boolean> {
  const participants = await harness.rooms.listParticipants(room).catch(() => []);
  return participants.some((participant) => participant.kind === KIND_AGENT);
}

/** The start line of every call record written so far. */
function callRecordStarts(): Record<string, unknown>[] {
  return readdirSync(harness.callsDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.jsonl'))
    .map((file) => readFileSync(join(harness.callsDir, file), 'utf8').split('\n')[0] ?? '')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  harness = await startHarness({
    name: 'tester-queue',
    env: { AGENT_MAX_CALLS: '1', AGENT_NUM_IDLE_PROCESSES: '2' },
  });
  const origin = new URL(harness.stack.testerUrl).origin;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${silentWav()}%noloop`,
      `--unsafely-treat-insecure-origin-as-secure=${origin}`,
      '--autoplay-policy=no-user-gesture-required',
      '--disable-features=WebRtcHideLocalIpsWithMdns',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const connections: RTCPeerConnection[] = [];
    (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections =
      connections;
    window.RTCPeerConnection = class extends Native {
      constructor(configuration?: RTCConfiguration) {
        super(configuration);
        connections.push(this);
      }
    };
  });
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page)
    await page.screenshot({ path: join(SCREENSHOTS, 'failure.png'), fullPage: true });
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

it('queues a tester behind a phone call, shows the place in line, then connects them', async () => {
  // The only place on the line: a phone call, answered by the agent.
  const call = harness
    .caller({ from: CALLER, rtpPorts: { min: 46_000, max: 46_019 } })
    .call({ answerTimeoutMs: 15_000 });
  await call.answered;
  const callRoomName = await eventually(() => callRoom(harness.rooms, CALLER), 5_000, 'call room');
  await eventually(async () => (await hasAgent(callRoomName)) || undefined, 10_000, 'call agent');

  await page.goto(harness.stack.testerUrl);
  await page.getByLabel('QA passcode').fill(harness.secrets.qaPasscode);
  await page.getByRole('button', { name: 'Start session' }).click();
  await page.getByRole('status').filter({ hasText: 'Connected.' }).waitFor({ timeout: 15_000 });
  const connectedAt = clock();

  // Every agent is busy: the switchboard queues the tester, and the page says where it stands.
  const queueStatus = page.locator('.queue-status');
  await queueStatus.filter({ hasText: 'In queue — position 1' }).waitFor({ timeout: 3_000 });
  const queuedMs = clock() - connectedAt;
  console.info(`queue position shown ${queuedMs.toFixed(0)} ms after the tester connected`);
  const testerRoom = await eventually(
    async () => (await harness.rooms.listRooms()).find((room) => room.name.startsWith('qa-'))?.name,
    3_000,
    "the tester's room",
  );
  // The switchboard's voice comes into the tester's room with its audio, and the page receives it.
  // The place in line is an attribute, set at the decision; the voice's track can follow it by a
  // moment on a busy box, so the test waits for it (a page with a position and no voice fails here).
  await eventually(
    async () =>
      (await harness.rooms.listParticipants(testerRoom)).some(
        (participant) =>
          participant.identity.startsWith(SWITCHBOARD_IDENTITY_PREFIX) &&
          participant.tracks.length > 0,
      ) || undefined,
    5_000,
    "the switchboard's voice with its track",
  );
  await expect
    .poll(async () => (await inboundAudio()).energy, { timeout: 5_000 })
    .toBeGreaterThan(0.001);
  expect(await hasAgent(testerRoom)).toBe(false);

  // Queued past the 10 s in which the page would otherwise warn that the agent never joined.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, connectedAt + 11_000 - clock())));
  expect(await page.getByRole('alert').count()).toBe(0);
  expect(await queueStatus.innerText()).toMatch(/waiting 0:(0[5-9]|1\d)/);
  await page.screenshot({ path: join(SCREENSHOTS, '1-queued.png'), fullPage: true });

  // The phone call ends: the tester is next. Within 3 s the agent is in the tester's room and the
  // page shows it; then it greets them (its words stream into the transcript as they are spoken).
  const freedAt = clock();
  await call.hangup();
  const agentState = page.getByTestId('agent-state');
  await eventually(async () => (await hasAgent(testerRoom)) || undefined, 8_000, 'the agent');
  const agentMs = clock() - freedAt;
  await expect
    .poll(() => agentState.innerText(), { timeout: 8_000, interval: 100 })
    .not.toMatch(/Waiting for the agent/);
  const shownMs = clock() - freedAt;
  const transcript = page.getByRole('region', { name: 'Transcript lines' });
  await transcript.locator('.line-agent').first().waitFor({ timeout: 15_000 });
  const firstWordsMs = clock() - freedAt;
  await transcript.locator('.line-agent').filter({ hasText: GREETING }).first().waitFor({
    timeout: 15_000,
  });
  const greetedMs = clock() - freedAt;
  console.info(
    `after the phone call ended: agent in the tester's room ${agentMs.toFixed(0)} ms, on the ` +
      `page ${shownMs.toFixed(0)} ms, first greeting words ${firstWordsMs.toFixed(0)} ms, ` +
      `"${GREETING}" ${greetedMs.toFixed(0)} ms`,
  );
  expect(agentMs).toBeLessThan(3_000);
  expect(shownMs).toBeLessThan(3_000);
  await queueStatus.filter({ hasText: /Waited \d+ s in queue \(position 1\)/ }).waitFor({
    timeout: 3_000,
  });
  await page.screenshot({ path: join(SCREENSHOTS, '2-connected.png'), fullPage: true });

  // The agent wrote the wait into the session's call record.
  const start = await eventually(
    async () => callRecordStarts().find((line) => line.kind === 'web' && line.queue !== undefined),
    5_000,
    "the tester's call record",
  );
  expect(start.queue).toMatchObject({ position: 1 });
  expect((start.queue as { waitedMs: number }).waitedMs).toBeGreaterThan(8_000);

  await page.getByRole('button', { name: 'End session' }).click();
  await page.getByRole('button', { name: 'Start session' }).waitFor({ timeout: 10_000 });
});
