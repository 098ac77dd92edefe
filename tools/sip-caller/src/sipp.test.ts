// The caller against a real, independent SIP implementation: sipp (Debian sip-tester) running
// the UAS scenarios in ./sipp/ on 127.0.0.1, with -rtp_echo sending our RTP back.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { firstAudibleMs, tone } from './audio.js';
import { CallFailedError } from './call-api.js';
import { createSipCaller, type SipCaller, type SipCallerOptions } from './caller.js';
import { pcm16ToMulaw } from './g711.js';

const SIPP = '/usr/bin/sipp';
const HAS_SIPP = existsSync(SIPP);
const SCENARIOS = fileURLToPath(new URL('./sipp/', import.meta.url));
const USERNAME = 'alice';
const PASSWORD = 's3cret-Pa55';
const CALLED = '+15550100';
const REALM = 'sipp.test';
const NONCE_407 = '4b1e6cd3a2f04c2e9d1b5e0f7a6c3d21'; // as in uas-407-refer.xml

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

/** Waits until something listens on 127.0.0.1:port/udp (Linux /proc), else a short pause. */
async function waitForUdpListener(port: number, timeoutMs = 5000): Promise<void> {
  const needle = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const table = await readFile('/proc/net/udp', 'utf8').catch(() => undefined);
    if (table === undefined) {
      await new Promise((r) => setTimeout(r, 300));
      return;
    }
    if (table.includes(needle)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`sipp did not bind 127.0.0.1:${port} within ${timeoutMs} ms`);
}

interface SippResult {
  code: number | null;
  output: string;
  errors: string;
}

interface SippRun {
  port: number;
  /** Resolves when sipp exits (it handles one call: -m 1, and gives up after 15 s). */
  result: Promise<SippResult>;
}

const running: { child: ChildProcess; dir: string }[] = [];
const callers: SipCaller[] = [];

afterEach(async () => {
  for (const c of callers.splice(0)) await c.close();
  for (const { child, dir } of running.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  }
});

/** Starts sipp on a free port; `args` may depend on that port. */
async function startSipp(scenario: string, args: (port: number) => string[]): Promise<SippRun> {
  const dir = await mkdtemp(join(tmpdir(), 'sip-caller-sipp-'));
  const port = await freeUdpPort();
  const errorFile = join(dir, 'errors.log');
  const child = spawn(
    SIPP,
    [
      ...['-sf', join(SCENARIOS, scenario), '-i', '127.0.0.1', '-p', String(port)],
      ...['-m', '1', '-rtp_echo', '-nostdin', '-timeout', '15s', '-timeout_error'],
      ...['-trace_err', '-error_file', errorFile],
      ...['-trace_msg', '-message_file', join(dir, 'messages.log')],
      ...args(port),
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.push({ child, dir });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  const result = new Promise<SippResult>((resolve) => {
    child.once('exit', async (code) => {
      const errors = await readFile(errorFile, 'utf8').catch(() => '');
      resolve({ code, output, errors });
    });
  });
  await Promise.race([waitForUdpListener(port), result]);
  return { port, result };
}

function newCaller(port: number, options: Partial<SipCallerOptions> = {}): SipCaller {
  const caller = createSipCaller({
    server: { host: '127.0.0.1', port },
    localAddress: '127.0.0.1',
    username: USERNAME,
    password: PASSWORD,
    from: '+14155550100',
    displayName: 'E2E Caller',
    to: CALLED,
    rtpPorts: { min: 43000, max: 43999 },
    ...options,
  });
  callers.push(caller);
  return caller;
}

/** The digest response the 407 scenario expects (MD5, no qop), computed independently. */
function expected407Response(port: number): string {
  const uri = `sip:${CALLED}@127.0.0.1:${port}`;
  return md5(`${md5(`${USERNAME}:${REALM}:${PASSWORD}`)}:${NONCE_407}:${md5(`INVITE:${uri}`)}`);
}

const sippExitMessage = (r: SippResult) =>
  `sipp exit ${r.code}\n${r.errors}\n${r.output.slice(-1500)}`;

describe.skipIf(!HAS_SIPP)(
  `against real sipp (${HAS_SIPP ? SIPP : `SKIPPED: ${SIPP} not found; apt-get install sip-tester`})`,
  () => {
    it('407 → 200 OK with our RTP echoed back → REFER answered 202 + NOTIFY → BYE from sipp', async () => {
      const sipp = await startSipp('uas-407-refer.xml', (port) => [
        ...['-set', 'expected_response', expected407Response(port)],
      ]);
      const call = newCaller(sipp.port).call();
      const ringing = await call.ringing;
      const answered = await call.answered;
      expect(ringing).toMatchObject({ status: 180 });
      expect(ringing.at).toBeLessThanOrEqual(answered.at);
      expect(answered.media).toMatchObject({ audioPayloadType: 0, dtmfPayloadType: 101 });

      const played = call.play(tone(1000, 300, 0.5));
      const digits = call.sendDtmf('1#', { toneMs: 100, gapMs: 100 });
      const speech = await played;
      expect(speech).toMatchObject({ completed: true, packets: 15 });
      expect(await digits).toMatchObject({ completed: true, packets: 14 });

      const refer = await call.waitForRefer(10_000);
      expect(refer.referToUri).toBe('sip:+15550199@transfer.example');
      expect(refer.referredBy).toMatch(/^<sip:sipp@127\.0\.0\.1:\d+>$/);
      const end = await call.ended;
      expect(end).toMatchObject({ by: 'remote', reason: 'bye', answered: true });
      expect(refer.notifyResponse).toBe(200);
      const result = await sipp.result;
      // Exit 0: sipp accepted the digest (else 403) and the NOTIFY's Event, Subscription-State,
      // Content-Type and sipfrag body (else the call fails), and got 200 for its BYE.
      expect(result.code, sippExitMessage(result)).toBe(0);

      // The stream ran every 20 ms from answer to hangup (silence included).
      const stats = call.stats();
      const span = (stats.lastSentAt ?? 0) - (stats.firstSentAt ?? 0);
      expect(span).toBeGreaterThan(2000);
      expect(Math.abs(stats.packetsSent - (span / 20 + 1))).toBeLessThanOrEqual(3);
      expect((stats.firstSentAt ?? 0) - answered.at).toBeLessThan(50);

      // Everything heard is exactly what we sent (sipp echoes the datagrams unchanged).
      const sent = new Map(call.sent().packets.map((p) => [p.sequenceNumber, p]));
      const heard = call.received();
      const sentAudio = [...sent.values()].filter((p) => p.kind !== 'dtmf').length;
      expect(heard.packets.length).toBeGreaterThan(sentAudio * 0.9);
      for (const p of heard.packets) {
        expect(
          pcm16ToMulaw(p.samples).equals(sent.get(p.sequenceNumber)?.payload ?? Buffer.alloc(0)),
        ).toBe(true);
      }
      const toneHeardAt = firstAudibleMs(heard, -20);
      expect(toneHeardAt).toBeDefined();
      expect((toneHeardAt ?? 0) - (speech.startedAt ?? 0)).toBeLessThan(100);
      expect(heard.packets.filter((p) => p.dbfs > -20)).toHaveLength(15);
      // Our RFC 4733 events came back and decode as the digits we sent.
      expect(call.dtmfReceived.map((d) => [d.digit, d.durationMs])).toEqual([
        ['1', 100],
        ['#', 100],
      ]);
    }, 20_000);

    it('wrong password on the 407 challenge: sipp answers 403 and the call ends with it', async () => {
      const sipp = await startSipp('uas-407-refer.xml', (port) => [
        ...['-set', 'expected_response', expected407Response(port)],
      ]);
      const call = newCaller(sipp.port, { password: 'not-the-password' }).call();
      const end = await call.ended;
      expect(end).toMatchObject({ by: 'remote', reason: 'rejected', status: 403, answered: false });
      const err = await call.answered.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CallFailedError);
      const sent = call.sipLog.filter((e) => e.direction === 'out').map((e) => e.summary);
      const uri = `sip:${CALLED}@127.0.0.1:${sipp.port}`;
      expect(sent).toEqual([`INVITE ${uri}`, `ACK ${uri}`, `INVITE ${uri}`, `ACK ${uri}`]);
      const result = await sipp.result;
      expect(result.code, sippExitMessage(result)).toBe(0); // sipp got the ACK for its 403
    }, 20_000);

    it('wrong password on a 401 qop=auth challenge checked by sipp <verifyauth>: 403', async () => {
      const sipp = await startSipp('uas-401-qop-wait-bye.xml', () => [
        ...['-key', 'auth_username', USERNAME, '-key', 'auth_password', PASSWORD],
      ]);
      const call = newCaller(sipp.port, { password: 'not-the-password' }).call();
      expect(await call.ended).toMatchObject({ by: 'remote', reason: 'rejected', status: 403 });
      const result = await sipp.result;
      expect(result.code, sippExitMessage(result)).toBe(0);
    }, 20_000);

    it('401 qop=auth verified by sipp, then the caller hangs up: sipp gets BYE and answers 200', async () => {
      const sipp = await startSipp('uas-401-qop-wait-bye.xml', () => [
        ...['-key', 'auth_username', USERNAME, '-key', 'auth_password', PASSWORD],
      ]);
      const call = newCaller(sipp.port).call();
      const answered = await call.answered;
      const auth = call.sipLog.find(
        (e) => e.direction === 'out' && /\nAuthorization:/.test(e.text),
      );
      expect(auth?.text).toMatch(
        /Authorization: Digest username="alice", realm="sipp\.test", nonce="9f1c2e3d4b5a69788796a5b4c3d2e1f0", uri="[^"]+", response="<redacted>", algorithm=MD5, cnonce="[0-9a-f]+", opaque="5ccc069c403ebaf9f0171e9517f40e41", qop=auth, nc=00000001/,
      );
      const speech = await call.play(tone(800, 200, 0.5));
      expect(speech.completed).toBe(true);
      await new Promise((r) => setTimeout(r, 100));
      const heardAt = firstAudibleMs(call.received(), -20, { after: answered.at });
      expect(heardAt).toBeDefined();
      const end = await call.hangup();
      expect(end).toMatchObject({ by: 'local', reason: 'bye', status: 200, answered: true });
      expect(call.state).toBe('ended');
      const sentAfterBye = call.stats().packetsSent;
      await new Promise((r) => setTimeout(r, 100));
      expect(call.stats().packetsSent).toBe(sentAfterBye); // no RTP after BYE
      const result = await sipp.result;
      expect(result.code, sippExitMessage(result)).toBe(0);
    }, 20_000);
  },
);
