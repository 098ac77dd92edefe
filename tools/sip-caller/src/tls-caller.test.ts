// The caller over TLS with SRTP against a scripted TLS UAS on 127.0.0.1 (a certificate made with
// openssl for the test): framing on the stream, TLS in Via/Contact/Request-URI, no
// retransmissions, requests from the far end on the same connection, and SRTP both ways under the
// SDES keys of the offer and the answer.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tone } from './audio.js';
import { createSipCaller, type SipCaller } from './caller.js';
import { pcm16ToMulaw } from './g711.js';
import { encodeRtp, decodeRtp } from './rtp.js';
import { formatCryptoAttribute, newSrtpKeyParams, SRTP_SUITE } from './sdes.js';
import { negotiateAudio, parseSdp } from './sdp.js';
import {
  getHeader,
  parseSipMessage,
  serializeSipMessage,
  type SipMessage,
  type SipRequest,
} from './sip-message.js';
import { createSrtpTransform } from './srtp.js';
import { StreamFramer } from './stream-framer.js';
import { buildResponse } from './transaction.js';
import { answerSdp, RtpSink } from './test-uas.js';

const T1 = 20;
let certDir: string;
let ca: Buffer;
let server: Server;
const connections: { socket: TLSSocket; received: SipMessage[] }[] = [];
const callers: SipCaller[] = [];
const sinks: RtpSink[] = [];

beforeAll(() => {
  certDir = mkdtempSync(join(tmpdir(), 'sip-tls-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: certDir, stdio: 'pipe' });
  run(
    ...[
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=test CA',
    ],
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
  );
  run(
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-subj',
    '/CN=uas',
    '-keyout',
    'uas.key',
    '-out',
    'uas.csr',
  );
  execFileSync('bash', ['-c', "printf 'subjectAltName=IP:127.0.0.1\\n' > ext.cnf"], {
    cwd: certDir,
  });
  run(
    'x509',
    '-req',
    '-in',
    'uas.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    'ext.cnf',
    '-out',
    'uas.crt',
  );
  ca = readFileSync(join(certDir, 'ca.crt'));
});

afterAll(() => rmSync(certDir, { recursive: true, force: true }));

afterEach(async () => {
  await Promise.all(callers.splice(0).map((c) => c.close()));
  await Promise.all(sinks.splice(0).map((s) => s.close()));
  for (const c of connections.splice(0)) c.socket.destroy();
  await new Promise((resolve) => server?.close(resolve));
});

async function startUas(): Promise<number> {
  server = createServer({
    key: readFileSync(join(certDir, 'uas.key')),
    cert: readFileSync(join(certDir, 'uas.crt')),
    ALPNProtocols: ['sip'],
  });
  server.on('secureConnection', (socket) => {
    const connection = { socket, received: [] as SipMessage[] };
    const framer = new StreamFramer();
    socket.on('data', (chunk: Buffer) => {
      for (const data of framer.push(chunk)) connection.received.push(parseSipMessage(data));
    });
    socket.on('error', () => undefined);
    connections.push(connection);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

async function waitFor<T>(check: () => T | undefined, what: string, ms = 2000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const request = (method: string) => () =>
  connections[0]?.received.find(
    (m): m is SipRequest => m.kind === 'request' && m.method === method,
  );

describe('SIP over TLS', () => {
  it('sends the INVITE once over a verified connection, takes the answer and the BYE on it', async () => {
    const port = await startUas();
    const caller = createSipCaller({
      server: { host: '127.0.0.1', port },
      transport: 'tls',
      tls: { ca },
      mediaEncryption: 'srtp',
      from: '+14155550100',
      to: '+15550100',
      rtpPorts: { min: 43000, max: 43999 },
      timers: { t1Ms: T1, t2Ms: 160, t4Ms: 200 },
    });
    callers.push(caller);
    const call = caller.call();
    const invite = await waitFor(request('INVITE'), 'INVITE');
    const { socket } = connections[0]!;
    const local = `127.0.0.1:${socket.remotePort}`;
    expect(invite.uri).toBe(`sip:+15550100@127.0.0.1:${port};transport=tls`);
    expect(getHeader(invite, 'Via')).toMatch(new RegExp(`^SIP/2\\.0/TLS ${local};branch=z9hG4bK`));
    expect(getHeader(invite, 'Contact')).toBe(`<sip:+14155550100@${local};transport=tls>`);
    expect(socket.alpnProtocol).toBe('sip');
    // Reliable transport: no Timer A retransmissions (UDP would have sent 4 by now).
    await new Promise((r) => setTimeout(r, 10 * T1));
    expect(connections[0]!.received.filter((m) => m.kind === 'request')).toHaveLength(1);

    // The caller's SRTP key is in its offer; ours goes in the answer.
    const offer = negotiateAudio(parseSdp(invite.body.toString()), { srtp: true });
    expect(offer.srtp?.suite).toBe(SRTP_SUITE);
    const sink = await RtpSink.open();
    sinks.push(sink);
    const uasKey = newSrtpKeyParams();
    const body = answerSdp(sink.port, 1, [
      `a=crypto:1 ${formatCryptoAttribute({ tag: 1, suite: SRTP_SUITE, keyParams: uasKey }).slice(2)}`,
    ]).replace('RTP/AVP', 'RTP/SAVP');
    const ok = serializeSipMessage(
      buildResponse(
        invite,
        200,
        'OK',
        { host: '127.0.0.1', port: 0 },
        {
          toTag: 'uas1',
          headers: [{ name: 'Contact', value: `<sip:uas@127.0.0.1:${port};transport=tls>` }],
          body: Buffer.from(body),
        },
      ),
    );
    // Split mid-headers: the caller must wait for the rest of the message.
    socket.write(ok.subarray(0, 40));
    await new Promise((r) => setTimeout(r, 20));
    socket.write(ok.subarray(40));
    const answered = await call.answered;
    expect(answered.media.srtp?.keyParams).toEqual(uasKey);
    await waitFor(request('ACK'), 'ACK');

    // SRTP both ways: the caller's packets decrypt under its offered key; ours under the answer's.
    const uas = createSrtpTransform({ local: uasKey, remote: offer.srtp!.keyParams });
    await waitFor(() => (sink.packets.length >= 3 ? true : undefined), 'SRTP packets');
    for (const { data } of sink.packets.slice(0, 3)) {
      expect(() => decodeRtp(uas.unprotect(data))).not.toThrow();
      expect(decodeRtp(uas.unprotect(data)).payloadType).toBe(0);
    }
    const rtpPort = Number(/m=audio (\d+)/.exec(invite.body.toString())?.[1]);
    const speech = pcm16ToMulaw(tone(440, 160, 0.5));
    for (let seq = 1; seq <= 5; seq++) {
      const rtp = encodeRtp({
        payloadType: 0,
        sequenceNumber: seq,
        timestamp: seq * 160,
        ssrc: 9,
        marker: false,
        payload: speech,
      });
      sink.send(uas.protect(rtp), { host: '127.0.0.1', port: rtpPort });
    }
    // Plain RTP is not audio on an SRTP call.
    sink.send(
      encodeRtp({
        payloadType: 0,
        sequenceNumber: 6,
        timestamp: 960,
        ssrc: 9,
        marker: false,
        payload: speech,
      }),
      { host: '127.0.0.1', port: rtpPort },
    );
    await waitFor(
      () =>
        call.stats().packetsIgnored >= 1 && call.received().packets.length >= 5 ? true : undefined,
      'received audio',
    );
    expect(call.received().packets.map((p) => p.sequenceNumber)).toEqual([1, 2, 3, 4, 5]);

    // A BYE from the far end comes over the same connection and is answered on it.
    const bye: SipRequest = {
      kind: 'request',
      method: 'BYE',
      uri: /<([^>]+)>/.exec(getHeader(invite, 'Contact')!)![1]!,
      headers: [
        { name: 'Via', value: `SIP/2.0/TLS 127.0.0.1:${port};branch=z9hG4bKbye1` },
        { name: 'From', value: getHeader(parseSipMessage(ok), 'To')! },
        { name: 'To', value: getHeader(invite, 'From')! },
        { name: 'Call-ID', value: getHeader(invite, 'Call-ID')! },
        { name: 'CSeq', value: '1 BYE' },
        { name: 'Max-Forwards', value: '70' },
      ],
      body: Buffer.alloc(0),
    };
    socket.write(serializeSipMessage(bye));
    const end = await call.ended;
    expect(end).toMatchObject({ by: 'remote', reason: 'bye' });
    const byeOk = await waitFor(
      () =>
        connections[0]!.received.find(
          (m) => m.kind === 'response' && getHeader(m, 'CSeq') === '1 BYE',
        ),
      'the 200 to the BYE',
    );
    expect(byeOk.kind === 'response' && byeOk.status).toBe(200);
  });

  it('refuses a server whose certificate it cannot verify', async () => {
    const port = await startUas();
    const caller = createSipCaller({
      server: { host: '127.0.0.1', port },
      transport: 'tls',
      to: '+15550100',
      rtpPorts: { min: 43000, max: 43999 },
    });
    callers.push(caller);
    const end = await caller.call().ended;
    expect(end).toMatchObject({ answered: false, reason: 'transport-error' });
    expect(end.error).toMatch(/self.signed|unable to (get|verify)/i);
    expect(connections.every((c) => c.received.length === 0)).toBe(true);
  });
});
