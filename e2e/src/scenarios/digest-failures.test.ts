// Digest guessing at the real bridge, read by the shipped fail2ban filter
// (sip/fail2ban/filter.d/livekit-sip.conf) through Debian's own fail2ban-regex: every failed
// attempt is one match for the attacker's packet source address, never for the host the attacker
// writes in From, and an answered call is no match. Also: the bridge answers SIP only on STACK_IP
// (sip/bridge.yaml listen_ip). Run with `npm run test:e2e -- digest-failures`.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSipCaller, type Call, type SipCaller } from '@ecommerce-voicebot/sip-caller';
import { PORTS } from '@ecommerce-voicebot/stack';
import {
  agentIdle,
  DEV_NUMBER,
  ROOT,
  startHarness,
  UNKNOWN_CALLER,
  type Harness,
} from '../harness.js';

/** The guesser's address on the test network. */
const ATTACKER = '10.77.0.21';
/** Someone else's address, which the guesser writes as its From host to get them banned. */
const FRAMED = '10.77.0.22';
const FILTER = join(ROOT, 'sip/fail2ban/filter.d/livekit-sip.conf');
/** What the filter read: every bridge line of this run, as `npm start` prints them. */
const BRIDGE_LOG = join(ROOT, 'test-artifacts/e2e/digest-failures.bridge.log');

let harness: Harness;
const bridgeLines: string[] = [];
const callers: SipCaller[] = [];

beforeAll(async () => {
  harness = await startHarness({
    name: 'digest-failures',
    // info, not production's warn: an answered call then logs its whole trace (auth, accept, join,
    // BYE, each with fromIP), so "no match for the right password" is checked against all of it.
    // Digest failures are warn lines: the same at either level.
    env: { SIP_LOG_LEVEL: 'info' },
    onLine: (line) => {
      if (line.startsWith('[sip] ')) bridgeLines.push(line);
    },
  });
  execFileSync('ip', ['addr', 'add', `${ATTACKER}/24`, 'dev', 'lk0']);
});

afterAll(async () => {
  await Promise.all(callers.map((caller) => caller.close()));
  await harness?.close();
});

/** A guesser's call from ATTACKER with these credentials; resolves with its final status. */
async function guess(options: {
  to: string;
  username: string;
  password: string;
  fromHost?: string;
}): Promise<number | undefined> {
  const base = 41_000 + callers.length * 20;
  const caller = createSipCaller({
    server: { host: harness.ip, port: PORTS.sip },
    localAddress: ATTACKER,
    from: UNKNOWN_CALLER,
    to: options.to,
    username: options.username,
    password: options.password,
    ...(options.fromHost === undefined ? {} : { fromHost: options.fromHost }),
    rtpPorts: { min: base, max: base + 19 },
    timers: { t1Ms: 100 },
  });
  callers.push(caller);
  const end = await caller.call({ answerTimeoutMs: 10_000 }).ended;
  expect(end.answered).toBe(false);
  return end.status;
}

/**
 * Sends one raw SIP request over UDP from `from` to `to`:5060 and resolves with the status of the
 * first final response, or undefined when none comes within `waitMs`.
 */
async function rawRequest(
  from: string,
  to: string,
  method: 'INVITE' | 'OPTIONS',
  extraHeaders: string[] = [],
  waitMs = 3_000,
  callId = `${randomBytes(8).toString('hex')}@${from}`,
): Promise<number | undefined> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind({ address: from, port: 0 }, resolve));
  const port = socket.address().port;
  const uri = `sip:${DEV_NUMBER}@${to}:${PORTS.sip}`;
  const request = [
    `${method} ${uri} SIP/2.0`,
    `Via: SIP/2.0/UDP ${from}:${port};branch=z9hG4bK${randomBytes(6).toString('hex')};rport`,
    'Max-Forwards: 70',
    `From: <sip:${UNKNOWN_CALLER}@${from}>;tag=${randomBytes(4).toString('hex')}`,
    `To: <${uri}>`,
    `Call-ID: ${callId}`,
    `CSeq: 1 ${method}`,
    `Contact: <sip:${UNKNOWN_CALLER}@${from}:${port}>`,
    ...extraHeaders,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  try {
    return await new Promise<number | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), waitMs);
      socket.on('message', (message) => {
        const status = Number(/^SIP\/2\.0 (\d{3})/.exec(message.toString())?.[1]);
        if (status >= 200) {
          clearTimeout(timer);
          resolve(status);
        }
      });
      socket.send(request, PORTS.sip, to);
    });
  } finally {
    socket.close();
  }
}

/** fail2ban-regex's verdict on a log: the <HOST> of each matched line, in order. */
function fail2banHosts(logFile: string): string[] {
  // -o ip: one address per matched line (machine-readable), nothing else.
  const out = execFileSync('fail2ban-regex', ['-o', 'ip', logFile, FILTER], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.trim() !== '');
}

const countOf = (hosts: string[], host: string) => hosts.filter((h) => h === host).length;

describe('repeated digest failures, through the fail2ban filter', () => {
  let hosts: string[] = [];
  let failures = 0;

  beforeAll(async () => {
    // The legitimate caller (right password, from STACK_IP) first: answered, then hung up.
    await agentIdle();
    const call: Call = harness.caller().call();
    await call.answered;
    await call.hangup();

    // The guesser: each of the bridge's four digest failures, from ATTACKER.
    const { username } = harness.secrets;
    for (const password of ['123456', 'password', 'e2e-caller']) {
      // Wrong passwords, framing FRAMED through the From host.
      expect(await guess({ to: DEV_NUMBER, username, password, fromHost: FRAMED })).toBe(401);
      failures += 1;
    }
    // A wrong user name.
    expect(await guess({ to: DEV_NUMBER, username: 'admin', password: 'admin' })).toBe(401);
    failures += 1;
    // Credentials the bridge cannot parse, and a digest sent without asking for a challenge.
    expect(
      await rawRequest(ATTACKER, harness.ip, 'INVITE', [
        'Proxy-Authorization: Basic ZTJlLWNhbGxlcjp4',
      ]),
    ).toBe(401);
    // Its Call-ID (logged before fromIP) spells a fake fromIP: the logger escapes its quotes.
    expect(
      await rawRequest(
        ATTACKER,
        harness.ip,
        'INVITE',
        [
          `Proxy-Authorization: Digest username="${username}", realm="LiveKit", nonce="0", uri="sip:${DEV_NUMBER}@${harness.ip}", response="00000000000000000000000000000000", algorithm=MD5`,
        ],
        3_000,
        `x", "fromIP": "${FRAMED}", "toIP": "@${ATTACKER}`,
      ),
    ).toBe(401);
    failures += 2;

    // The bridge's lines of this run, as the stack prints them, read by fail2ban-regex.
    await new Promise((resolve) => setTimeout(resolve, 500));
    writeFileSync(BRIDGE_LOG, `${bridgeLines.join('\n')}\n`);
    hosts = fail2banHosts(BRIDGE_LOG);
  });

  it('logs each kind of digest failure as a warn line with the source address', () => {
    for (const message of [
      'Authentication failed - response mismatch',
      'Authentication failed - username mismatch',
      'Failed to parse Proxy-Authorization credentials',
      'No challenge state found for authentication attempt',
    ]) {
      const line = bridgeLines.find(
        (l) => l.includes(`\tWARN\tsip\tsip/inbound.go`) && l.includes(message),
      );
      expect(line, message).toContain(`"fromIP": "${ATTACKER}"`);
    }
  });

  it('matches the attacker once per failed attempt', () => {
    expect(countOf(hosts, ATTACKER)).toBe(failures);
  });

  it('never bans the host written in From, nor one spelled in the Call-ID', () => {
    // The attacker's lines did carry FRAMED as fromHost (the filter had the chance to pick it).
    expect(
      bridgeLines.filter(
        (l) => l.includes('response mismatch') && l.includes(`"fromHost": "${FRAMED}"`),
      ),
    ).toHaveLength(3);
    expect(
      bridgeLines.some((l) => l.includes(`"sipCallID": "x\\", \\"fromIP\\": \\"${FRAMED}\\"`)),
    ).toBe(true);
    expect(countOf(hosts, FRAMED)).toBe(0);
  });

  it('does not match the legitimate caller, whose call was answered', () => {
    // The answered call's info lines (auth, accept, join, BYE) carry fromIP = STACK_IP.
    expect(
      bridgeLines.filter((l) => l.includes('SIP invite authentication successful')).length,
    ).toBeGreaterThan(0);
    expect(countOf(hosts, harness.ip)).toBe(0);
    expect(new Set(hosts)).toEqual(new Set([ATTACKER]));
  });
});

describe('SIP only on STACK_IP (listen_ip)', () => {
  // Every address of the namespace is local, like a host's loopback and its other networks.
  // Without listen_ip the bridge binds 0.0.0.0 and answers all of these.
  it('answers OPTIONS on STACK_IP and nowhere else (UDP)', async () => {
    expect(await rawRequest(ATTACKER, harness.ip, 'OPTIONS')).toBe(200);
    expect(await rawRequest('127.0.0.1', '127.0.0.1', 'OPTIONS', [], 1_500)).toBeUndefined();
    expect(await rawRequest(ATTACKER, ATTACKER, 'OPTIONS', [], 1_500)).toBeUndefined();
  });

  it('accepts TCP and TLS connections on STACK_IP only', async () => {
    const tryConnect = (host: string, port: number) =>
      new Promise<string>((resolve) => {
        const socket = connect({ host, port });
        socket.once('connect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      });
    for (const port of [PORTS.sip, PORTS.sipTls]) {
      expect(await tryConnect(harness.ip, port), `${harness.ip}:${port}`).toBe('connected');
      expect(await tryConnect('127.0.0.1', port), `127.0.0.1:${port}`).toBe('ECONNREFUSED');
      expect(await tryConnect(ATTACKER, port), `${ATTACKER}:${port}`).toBe('ECONNREFUSED');
    }
  });
});
