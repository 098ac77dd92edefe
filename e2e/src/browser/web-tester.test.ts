/// <reference lib="dom" />
// The QA tester page in a real browser (Debian's Chromium driven by playwright-core) against the
// real stack in the test network namespace, the model replaced by the Realtime emulator. The
// browser's microphone is a WAV of a spoken question. Run with `npm run test:e2e`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { ROOT, startHarness, type Harness } from '../harness.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = join(ROOT, 'test-artifacts/e2e/web-tester');
const GREETING = 'thanks for calling the store';

let harness: Harness;
let browser: Browser;
let page: Page;

/** The question the tester "says": silence while the agent greets, the question, then silence. */
function microphoneWav(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mic-'));
  const spoken = join(dir, 'spoken.wav');
  const wav = join(dir, 'microphone.wav');
  execFileSync('espeak-ng', [
    '-v',
    'en-us',
    '-w',
    spoken,
    'Hello, where is my order nine zero zero two?',
  ]);
  execFileSync('sox', [spoken, '-r', '48000', '-c', '1', '-b', '16', wav, 'pad', '9', '30']);
  return wav;
}

/** The agent's audio as the browser received it: summed over the page's inbound WebRTC audio. */
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

async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  harness = await startHarness({ name: 'web-tester' });
  const origin = new URL(harness.stack.testerUrl).origin;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${microphoneWav()}%noloop`,
      // The tester is served over plain HTTP on the test network: let it use the microphone.
      `--unsafely-treat-insecure-origin-as-secure=${origin}`,
      '--autoplay-policy=no-user-gesture-required',
      // Real host candidates, not mDNS names the server cannot resolve.
      '--disable-features=WebRtcHideLocalIpsWithMdns',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // Keeps every peer connection the page opens, to read the agent's received audio from its stats.
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
  if (context.task.result?.state === 'fail' && page) await screenshot('failure');
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

it('runs a QA session: greeting, get_order_status for the spoken order, latency and agent audio', async () => {
  const toolCallsBefore = harness.emulator
    .sessions()
    .flatMap((session) => session.functionCallOutputs).length;
  await page.goto(harness.stack.testerUrl);
  await expect.poll(() => page.title()).toMatch(/tester/i);
  await screenshot('1-idle');

  await page.getByLabel('QA passcode').fill(harness.secrets.qaPasscode);
  await page.getByRole('button', { name: 'Start session' }).click();
  const status = page.getByRole('status').filter({ hasText: /Connected\.|Not connected|ended/ });
  await status.filter({ hasText: 'Connected.' }).waitFor({ timeout: 15_000 });

  // The agent joins and greets: its words appear in the transcript.
  const transcript = page.getByRole('region', { name: 'Transcript lines' });
  await transcript.locator('.line-agent').filter({ hasText: GREETING }).first().waitFor({
    timeout: 15_000,
  });
  await expect.poll(() => page.getByRole('button', { name: 'End session' }).count()).toBe(1);
  await screenshot('2-greeted');

  // The spoken question (after 9 s of silence in the microphone file) makes the model call
  // get_order_status; the inspector shows the call with its arguments and the order it found.
  const toolCall = page.locator('.tool-call').filter({ hasText: 'get_order_status' }).first();
  await toolCall.waitFor({ timeout: 30_000 });
  const audioAtToolCall = await inboundAudio();
  await expect.poll(() => toolCall.getAttribute('class'), { timeout: 10_000 }).toMatch(/status-ok/);
  const toolText = await toolCall.innerText();
  expect(toolText).toContain('9002');
  expect(toolText).toContain('O9002');
  const outputs = harness.emulator
    .sessions()
    .flatMap((session) => session.functionCallOutputs)
    .slice(toolCallsBefore);
  expect(outputs.map((output) => output.name)).toContain('get_order_status');

  // The answer is spoken: the browser receives audible agent audio after the tool call.
  await expect
    .poll(async () => (await inboundAudio()).energy - audioAtToolCall.energy, { timeout: 15_000 })
    .toBeGreaterThan(0.01);

  // The turn's latency reaches the panel with figures in milliseconds.
  const latencyRows = page.getByRole('region', { name: 'Latency per turn' }).locator('tbody tr');
  await latencyRows.first().waitFor({ timeout: 20_000 });
  await expect.poll(() => latencyRows.first().innerText()).toMatch(/\d+\s*ms/);
  const summary = await page.locator('.latency .summary').innerText();
  expect(summary).toMatch(/p50 \d[\d,.]*\s*(ms|s)/);
  await screenshot('3-answered');

  await page.getByRole('button', { name: 'End session' }).click();
  await status.filter({ hasText: 'Session ended.' }).waitFor({ timeout: 10_000 });
  await screenshot('4-ended');
});

it('sends keypad digits the way phone callers do, with the phone-audio filter on', async () => {
  await page.goto(harness.stack.testerUrl);
  await page.getByLabel('QA passcode').fill(harness.secrets.qaPasscode);
  const phoneAudio = page.getByRole('switch', { name: /Phone audio/ });
  await phoneAudio.click();
  expect(await phoneAudio.getAttribute('aria-checked')).toBe('true');
  await page.getByRole('button', { name: 'Start session' }).click();
  const transcript = page.getByRole('region', { name: 'Transcript lines' });
  await transcript.locator('.line-agent').filter({ hasText: GREETING }).first().waitFor({
    timeout: 20_000,
  });
  // The filter runs on the published microphone (an AudioWorklet in this real browser).
  await page.getByText('On: your microphone is sent as 8 kHz μ-law.').waitFor({ timeout: 10_000 });
  expect(await page.getByRole('alert').count()).toBe(0);
  // The fake microphone would now say "where is my order 9002" (the first test's question): its
  // turn would race the digits (the server's voice detection cancels the typed answer). Muted, the
  // keypad is the only input.
  await page.getByRole('button', { name: 'Mute' }).click();
  await page.getByRole('button', { name: 'Turn microphone on' }).waitFor({ timeout: 5_000 });

  const keypad = page.getByRole('group', { name: 'Keypad' });
  for (const name of ['9', '0', '0', '1', 'pound'])
    await keypad.getByRole('button', { name: `Send ${name}` }).click();
  const toolCall = page
    .locator('.tool-call')
    .filter({ hasText: 'get_order_status' })
    .filter({ hasText: 'O9001' })
    .first();
  await toolCall.waitFor({ timeout: 20_000 });
  const typed = harness.emulator.events.some((event) =>
    JSON.stringify(event.event).includes('The caller typed: 9001'),
  );
  expect(typed).toBe(true);
  await screenshot('5-keypad');
  await page.getByRole('button', { name: 'End session' }).click();
  await page.getByRole('button', { name: 'Start session' }).waitFor({ timeout: 10_000 });
});

it('explains a denied microphone instead of failing silently', async () => {
  // A browser that answers the microphone prompt with "deny", as a tester clicking Block would.
  const denying = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--use-fake-device-for-media-stream',
      '--deny-permission-prompts',
      `--unsafely-treat-insecure-origin-as-secure=${new URL(harness.stack.testerUrl).origin}`,
    ],
  });
  try {
    const deniedPage = await denying.newPage();
    await deniedPage.goto(harness.stack.testerUrl);
    await deniedPage.getByLabel('QA passcode').fill(harness.secrets.qaPasscode);
    await deniedPage.getByRole('button', { name: 'Start session' }).click();
    const alert = deniedPage.getByRole('alert').filter({ hasText: /microphone/i });
    await alert.first().waitFor({ timeout: 15_000 });
    expect(await alert.first().innerText()).toMatch(/denied|blocked|not allowed/i);
    await deniedPage.screenshot({
      path: join(SCREENSHOTS, '6-microphone-denied.png'),
      fullPage: true,
    });
    // The session itself still runs (the agent can be heard, the keypad works): end it.
    await deniedPage.getByRole('button', { name: 'End session' }).click();
    await deniedPage.getByRole('button', { name: 'Start session' }).waitFor({ timeout: 10_000 });
  } finally {
    await denying.close();
  }
});

it('fits a phone-width screen without sideways scrolling', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(harness.stack.testerUrl);
  await page.getByRole('button', { name: 'Start session' }).waitFor();
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot('7-phone-width');
  await page.setViewportSize({ width: 1280, height: 900 });
});

it('shows a clear error when the API refuses the passcode, and starts no session', async () => {
  // Rooms of earlier sessions may still be closing: what matters is that no new one appears.
  const roomsBefore = new Set((await harness.rooms.listRooms()).map((room) => room.name));
  await page.goto(harness.stack.testerUrl);
  await page.getByLabel('QA passcode').fill('not-the-passcode');
  await page.getByRole('button', { name: 'Start session' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor({ timeout: 10_000 });
  expect(await alert.innerText()).toMatch(/passcode/i);
  expect(await page.getByRole('button', { name: 'Start session' }).count()).toBe(1);
  const newRooms = (await harness.rooms.listRooms()).filter((room) => !roomsBefore.has(room.name));
  expect(newRooms).toEqual([]);
  await screenshot('8-passcode-refused');
});
