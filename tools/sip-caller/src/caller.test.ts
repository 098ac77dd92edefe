// The caller against a scripted UAS on 127.0.0.1 (real UDP, T1 = 20 ms so timers run fast).
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { tone } from './audio.js';
import { CallFailedError, type Call } from './call-api.js';
import { createSipCaller, type SipCaller, type SipCallerOptions } from './caller.js';
import { pcm16ToMulaw } from './g711.js';
import type { SipCallerLogger } from './logger.js';
import { decodeRtp, encodeRtp } from './rtp.js';
import { parseSdp } from './sdp.js';
import {
  getHeader,
  getHeaders,
  parseCSeq,
  parseNameAddr,
  parseVia,
  serializeSipMessage,
  type SipMessage,
} from './sip-message.js';
import { answerSdp, RtpSink, TestUas } from './test-uas.js';

const T1 = 20;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(options: Partial<SipCallerOptions> = {}) {
  const uas = await TestUas.start();
  const caller: SipCaller = createSipCaller({
    server: { host: '127.0.0.1', port: uas.port },
    from: '+14155550100',
    displayName: 'E2E Caller',
    to: '+15550100',
    rtpPorts: { min: 42000, max: 42999 },
    timers: { t1Ms: T1, t2Ms: 160, t4Ms: 200 },
    ...options,
  });
  cleanups.push(
    () => uas.close(),
    () => caller.close(),
  );
  return { uas, caller };
}

async function setupRtpSink() {
  const sink = await RtpSink.open();
  cleanups.push(() => sink.close());
  return sink;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const branchOf = (m: SipMessage) => parseVia(getHeader(m, 'Via') ?? '').params['branch'];
const cseqOf = (m: SipMessage) => parseCSeq(getHeader(m, 'CSeq') ?? '');
const tagOf = (value: string | undefined) => parseNameAddr(value ?? '').params['tag'];

/** Answers the INVITE (180 then 200 + SDP) and returns the ACK. */
async function answer(
  uas: TestUas,
  sinkPort: number,
  extraHeaders: { name: string; value: string }[] = [],
) {
  const invite = await uas.waitForRequest('INVITE');
  uas.respond(invite, 180, 'Ringing', { toTag: 'uastag' });
  const ok = uas.respond(invite, 200, 'OK', {
    toTag: 'uastag',
    headers: [{ name: 'Contact', value: `<${uas.contact}>` }, ...extraHeaders],
    body: answerSdp(sinkPort),
  });
  const ack = await uas.waitForRequest('ACK');
  return { invite, ok, ack };
}

describe('INVITE client transaction', () => {
  it('retransmits per Timer A (doubling from T1) and times out per Timer B (64*T1)', async () => {
    const { uas, caller } = await setup();
    const call = caller.call();
    const end = await call.ended;
    expect(end).toMatchObject({ by: 'local', reason: 'timeout', status: 408, answered: false });
    await expect(call.answered).rejects.toBeInstanceOf(CallFailedError);
    const invites = uas.requests('INVITE');
    expect(invites.length).toBeGreaterThanOrEqual(6);
    expect(invites.length).toBeLessThanOrEqual(7);
    const first = serializeSipMessage(invites[0]?.message as SipMessage).toString();
    for (const r of invites) expect(serializeSipMessage(r.message).toString()).toBe(first);
    const gaps = invites.slice(1).map((r, i) => r.at - (invites[i]?.at ?? 0));
    // Intervals T1, 2*T1, 4*T1, ... Timers may fire late under load, never early, but these are
    // arrival times at the UAS: a retransmission that arrived late (a busy receiving loop) shortens
    // the gap to the next one (a clean-clone run saw 17 ms for T1 = 20 ms), hence 10 ms of slack.
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(T1 * 2 ** i - 10);
      expect(gap).toBeLessThan(T1 * 2 ** i + 150);
    });
    const elapsed = end.at - (invites[0]?.at ?? 0);
    expect(elapsed).toBeGreaterThanOrEqual(64 * T1 - 5);
    await sleep(3 * T1);
    expect(uas.requests('INVITE')).toHaveLength(invites.length);
  });

  it('builds a well-formed INVITE with an SDP offer', async () => {
    const { uas, caller } = await setup({ localAddress: '127.0.0.1' });
    const call = caller.call({ headers: { 'X-Test-Case': 'well-formed' } });
    const { message: invite } = await uas.waitForRequest('INVITE');
    const { port } = await caller.ready();
    expect(invite.uri).toBe(`sip:+15550100@127.0.0.1:${uas.port}`);
    const via = parseVia(getHeader(invite, 'Via') ?? '');
    expect(via).toMatchObject({ protocol: 'SIP/2.0/UDP', host: '127.0.0.1', port });
    expect(via.params['branch']).toMatch(/^z9hG4bK[0-9a-f]{8,}$/);
    expect('rport' in via.params).toBe(true);
    expect(getHeader(invite, 'Max-Forwards')).toBe('70');
    const from = parseNameAddr(getHeader(invite, 'From') ?? '');
    expect(from).toMatchObject({ displayName: 'E2E Caller', uri: 'sip:+14155550100@127.0.0.1' });
    expect(from.params['tag']).toMatch(/^[0-9a-f]{8,}$/);
    expect(getHeader(invite, 'To')).toBe('<sip:+15550100@127.0.0.1>');
    expect(getHeader(invite, 'Call-ID')).toBe(call.id);
    expect(cseqOf(invite)).toEqual({ seq: 1, method: 'INVITE' });
    expect(getHeader(invite, 'Contact')).toBe(`<sip:+14155550100@127.0.0.1:${port}>`);
    expect(getHeaders(invite, 'Allow')).toContain('REFER');
    expect(getHeader(invite, 'X-Test-Case')).toBe('well-formed');
    expect(getHeader(invite, 'Content-Type')).toBe('application/sdp');
    expect(Number(getHeader(invite, 'Content-Length'))).toBe(invite.body.length);
    const sdp = parseSdp(invite.body.toString());
    expect(sdp.media[0]).toMatchObject({ type: 'audio', proto: 'RTP/AVP', formats: ['0', '101'] });
    expect(sdp.media[0]?.port).toBeGreaterThanOrEqual(42000);
    expect((sdp.media[0]?.port ?? 1) % 2).toBe(0);
  });

  it('stops retransmitting on 100 Trying and ACKs a 486 inside the INVITE transaction', async () => {
    const { uas, caller } = await setup();
    const call = caller.call();
    const invite = await uas.waitForRequest('INVITE');
    uas.respond(invite, 100, 'Trying');
    await sleep(8 * T1);
    expect(uas.requests('INVITE')).toHaveLength(1);
    expect(call.state).toBe('proceeding');
    const busy = uas.respond(invite, 486, 'Busy Here', { toTag: 'busy1' });
    const { message: ack } = await uas.waitForRequest('ACK');
    expect(ack.uri).toBe(invite.message.uri);
    expect(branchOf(ack)).toBe(branchOf(invite.message));
    expect(cseqOf(ack)).toEqual({ seq: 1, method: 'ACK' });
    expect(tagOf(getHeader(ack, 'To'))).toBe('busy1');
    expect(getHeader(ack, 'From')).toBe(getHeader(invite.message, 'From'));
    expect(getHeader(ack, 'Call-ID')).toBe(call.id);
    expect(await call.ended).toMatchObject({
      by: 'remote',
      reason: 'rejected',
      status: 486,
      reasonPhrase: 'Busy Here',
      answered: false,
    });
    const err = await call.answered.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CallFailedError);
    expect((err as CallFailedError).end.status).toBe(486);
    uas.send(busy, invite.from); // a retransmitted final response is ACKed again
    await uas.waitForRequest('ACK');
  });
});

describe('digest authentication', () => {
  it('answers a 401 with Authorization, increments CSeq, keeps Call-ID and tag, reports 404', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'trace' },
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          lines.push(chunk.toString());
          cb();
        },
      }),
    );
    const typed: SipCallerLogger = logger; // a pino logger fits the logging interface
    const { uas, caller } = await setup({
      username: 'alice',
      password: 'pa55-word',
      logger: typed,
    });
    // A carrier's verification header, as e2e/src/scenarios/caller-id.test.ts sends it.
    const call = caller.call({ headers: { 'X-Twilio-VerStat': 'TN-Validation-Passed-A' } });
    const first = await uas.waitForRequest('INVITE');
    uas.respond(first, 401, 'Unauthorized', {
      toTag: 'c1',
      headers: [
        { name: 'WWW-Authenticate', value: 'Digest realm="test", nonce="abc", algorithm=MD5' },
      ],
    });
    await uas.waitForRequest('ACK');
    const second = await uas.waitForRequest('INVITE');
    expect(cseqOf(second.message)).toEqual({ seq: 2, method: 'INVITE' });
    expect(getHeader(second.message, 'Call-ID')).toBe(getHeader(first.message, 'Call-ID'));
    expect(getHeader(second.message, 'From')).toBe(getHeader(first.message, 'From'));
    expect(getHeader(second.message, 'To')).toBe(getHeader(first.message, 'To'));
    expect(branchOf(second.message)).not.toBe(branchOf(first.message));
    // Extra headers ride on the authenticated INVITE too: that is the one the bridge acts on.
    for (const invite of [first, second])
      expect(getHeader(invite.message, 'X-Twilio-VerStat')).toBe('TN-Validation-Passed-A');
    const auth = getHeader(second.message, 'Authorization') ?? '';
    expect(auth).toMatch(
      /^Digest username="alice", realm="test", nonce="abc", uri="sip:\+15550100@127\.0\.0\.1:\d+", response="[0-9a-f]{32}", algorithm=MD5$/,
    );
    uas.respond(second, 404, 'Not Found', { toTag: 'c2' });
    expect(await call.ended).toMatchObject({ by: 'remote', reason: 'rejected', status: 404 });
    expect(lines.join('')).not.toContain('pa55-word');
    expect(lines.join('')).toContain('response=\\"<redacted>\\"');
    expect(call.sipLog.map((e) => e.text).join('')).not.toMatch(/response="[0-9a-f]/);
  });

  it('gives up with auth-failed when the same nonce is challenged again', async () => {
    const { uas, caller } = await setup({ username: 'alice', password: 'wrong' });
    const call = caller.call();
    const challenge = {
      toTag: 't',
      headers: [
        { name: 'Proxy-Authenticate', value: 'Digest realm="livekit", nonce="n1", algorithm=MD5' },
      ],
    };
    uas.respond(
      await uas.waitForRequest('INVITE'),
      407,
      'Proxy Authentication Required',
      challenge,
    );
    const second = await uas.waitForRequest('INVITE');
    expect(getHeader(second.message, 'Proxy-Authorization')).toMatch(/realm="livekit", nonce="n1"/);
    uas.respond(second, 407, 'Proxy Authentication Required', challenge);
    expect(await call.ended).toMatchObject({ by: 'remote', reason: 'auth-failed', status: 407 });
    await uas.waitForRequest('ACK');
    await uas.waitForRequest('ACK');
    expect(uas.requests('INVITE')).toHaveLength(2);
  });

  it('without credentials ends with the challenge status', async () => {
    const { uas, caller } = await setup();
    const call = caller.call();
    uas.respond(await uas.waitForRequest('INVITE'), 401, 'Unauthorized', {
      toTag: 't',
      headers: [{ name: 'WWW-Authenticate', value: 'Digest realm="r", nonce="n"' }],
    });
    expect(await call.ended).toMatchObject({ reason: 'auth-failed', status: 401 });
  });
});

describe('CANCEL', () => {
  it('cancels a ringing call: CANCEL mirrors the INVITE, then 487 is ACKed', async () => {
    const { uas, caller } = await setup();
    const call = caller.call();
    const invite = await uas.waitForRequest('INVITE');
    uas.respond(invite, 180, 'Ringing', { toTag: 'r1' });
    const ringing = await call.ringing;
    expect(ringing).toMatchObject({ status: 180, reason: 'Ringing' });
    const hangup = call.hangup();
    const cancel = await uas.waitForRequest('CANCEL');
    expect(cancel.message.uri).toBe(invite.message.uri);
    expect(branchOf(cancel.message)).toBe(branchOf(invite.message));
    expect(cseqOf(cancel.message)).toEqual({ seq: 1, method: 'CANCEL' });
    expect(getHeader(cancel.message, 'To')).toBe(getHeader(invite.message, 'To'));
    uas.respond(cancel, 200, 'OK', { toTag: 'r1' });
    uas.respond(invite, 487, 'Request Terminated', { toTag: 'r1' });
    const ack = await uas.waitForRequest('ACK');
    expect(branchOf(ack.message)).toBe(branchOf(invite.message));
    expect(await hangup).toMatchObject({ by: 'local', reason: 'cancelled', status: 487 });
  });

  it('cancels when no final response arrives within answerTimeoutMs', async () => {
    const { uas, caller } = await setup({ answerTimeoutMs: 60 });
    const call = caller.call();
    const invite = await uas.waitForRequest('INVITE');
    uas.respond(invite, 180, 'Ringing', { toTag: 'slow' });
    const cancel = await uas.waitForRequest('CANCEL');
    uas.respond(cancel, 200, 'OK', { toTag: 'slow' });
    uas.respond(invite, 487, 'Request Terminated', { toTag: 'slow' });
    expect(await call.ended).toMatchObject({ by: 'local', reason: 'timeout', status: 487 });
  });

  it('hangup before any response ends at once and cancels once a provisional arrives', async () => {
    const { uas, caller } = await setup();
    const call = caller.call();
    const invite = await uas.waitForRequest('INVITE');
    expect(await call.hangup()).toMatchObject({ by: 'local', reason: 'cancelled' });
    expect(uas.requests('CANCEL')).toHaveLength(0); // §9.1: not before a provisional
    uas.respond(invite, 180, 'Ringing', { toTag: 'late' });
    await uas.waitForRequest('CANCEL');
  });
});

describe('dialog', () => {
  it('ACKs the 200 (again on retransmission) and streams 20 ms PCMU from the answer', async () => {
    const { uas, caller } = await setup();
    const sink = await setupRtpSink();
    const call = caller.call();
    const states: string[] = [];
    call.on('state', (s) => states.push(s));
    const { invite, ok, ack } = await answer(uas, sink.port);
    const answered = await call.answered;
    expect(answered.media).toMatchObject({
      remotePort: sink.port,
      audioPayloadType: 0,
      dtmfPayloadType: 101,
    });
    expect(ack.message.uri).toBe(uas.contact);
    expect(cseqOf(ack.message)).toEqual({ seq: 1, method: 'ACK' });
    expect(branchOf(ack.message)).not.toBe(branchOf(invite.message));
    expect(tagOf(getHeader(ack.message, 'To'))).toBe('uastag');
    expect(ack.message.body).toHaveLength(0);
    uas.send(ok, invite.from); // 2xx retransmission
    const ack2 = await uas.waitForRequest('ACK');
    expect(serializeSipMessage(ack2.message).equals(serializeSipMessage(ack.message))).toBe(true);
    expect(states).toEqual(['proceeding', 'confirmed']);

    await sleep(500);
    const packets = sink.packets.map((p) => ({ at: p.at, rtp: decodeRtp(p.data) }));
    // One packet per 20 ms over the whole span (arrival times have 1 ms resolution).
    const span = (packets[packets.length - 1]?.at ?? 0) - (packets[0]?.at ?? 0);
    expect(span).toBeGreaterThanOrEqual(400);
    expect(Math.abs(packets.length - (span / 20 + 1))).toBeLessThanOrEqual(3);
    const firstRtp = packets[0]?.rtp;
    expect(firstRtp?.marker).toBe(true);
    packets.forEach(({ rtp }, i) => {
      expect(rtp).toMatchObject({ version: 2, payloadType: 0, ssrc: firstRtp?.ssrc });
      expect(rtp.payload).toHaveLength(160);
      expect(rtp.payload.every((b) => b === 0xff)).toBe(true); // silence when idle
      if (i > 0) {
        expect(rtp.marker).toBe(false);
        expect(rtp.sequenceNumber).toBe(((firstRtp?.sequenceNumber ?? 0) + i) & 0xffff);
        expect(rtp.timestamp).toBe(((firstRtp?.timestamp ?? 0) + i * 160) >>> 0);
      }
    });
    expect(Math.abs((packets[0]?.at ?? 0) - answered.at)).toBeLessThan(100);
    await call.hangup();
  });

  it('plays queued speech, hears the far end, and answers OPTIONS, REFER, re-INVITE and BYE', async () => {
    const { uas, caller } = await setup();
    const sink = await setupRtpSink();
    const call = caller.call();
    const heard: number[] = [];
    call.onAudio((p) => heard.push(p.sequenceNumber));
    const { invite } = await answer(uas, sink.port);
    await call.answered;
    const callerRtpPort = parseSdp(invite.message.body.toString()).media[0]?.port ?? 0;

    // Speech goes out as PCMU, bit-exact after μ-law quantization.
    const speech = tone(1000, 100, 0.5);
    const played = await call.play(speech);
    expect(played).toMatchObject({ completed: true, packets: 5 });
    await sleep(30); // resolved when the last packet was sent; let it arrive
    const expected = pcm16ToMulaw(speech);
    const audible = sink.packets
      .map((p) => decodeRtp(p.data))
      .filter((r) => r.payload.some((b) => b !== 0xff));
    const got = Buffer.concat(audible.map((r) => r.payload));
    expect(got.equals(expected)).toBe(true);

    // Far-end audio is decoded with arrival times.
    for (let i = 0; i < 3; i++) {
      sink.send(
        encodeRtp({
          payloadType: 0,
          sequenceNumber: 100 + i,
          timestamp: i * 160,
          ssrc: 7,
          payload: pcm16ToMulaw(tone(440, 20, 0.5)),
        }),
        { host: '127.0.0.1', port: callerRtpPort },
      );
    }
    await sleep(50);
    expect(heard).toEqual([100, 101, 102]);
    expect(call.received().pcm).toHaveLength(480);

    // OPTIONS inside the dialog.
    uas.send(uas.dialogRequest(invite, 'uastag', 'OPTIONS', 1), invite.from);
    const options = await uas.waitForResponse('OPTIONS');
    expect(options.message).toMatchObject({ status: 200 });
    expect(getHeaders(options.message, 'Allow')).toContain('REFER');
    expect(tagOf(getHeader(options.message, 'To'))).toBe(tagOf(getHeader(invite.message, 'From')));

    // CSeq going backwards is refused (§12.2.2).
    uas.send(uas.dialogRequest(invite, 'uastag', 'INFO', 1), invite.from);
    expect((await uas.waitForResponse('INFO')).message).toMatchObject({ status: 500 });

    // A request for an unknown dialog gets 481.
    uas.send(uas.dialogRequest(invite, 'othertag', 'BYE', 9), invite.from);
    expect((await uas.waitForResponse('BYE')).message).toMatchObject({ status: 481 });

    // REFER: 202, then NOTIFY with the sipfrag (RFC 3515).
    uas.send(
      uas.dialogRequest(invite, 'uastag', 'REFER', 2, {
        headers: [
          { name: 'Refer-To', value: '<sip:+15550199@example.com>' },
          { name: 'Referred-By', value: `<${uas.contact}>` },
        ],
      }),
      invite.from,
    );
    expect((await uas.waitForResponse('REFER')).message).toMatchObject({
      status: 202,
      reason: 'Accepted',
    });
    const notify = await uas.waitForRequest('NOTIFY');
    expect(notify.message.uri).toBe(uas.contact);
    expect(getHeader(notify.message, 'Event')).toBe('refer');
    expect(getHeader(notify.message, 'Subscription-State')).toBe('terminated;reason=noresource');
    expect(getHeader(notify.message, 'Content-Type')).toBe('message/sipfrag;version=2.0');
    expect(notify.message.body.toString()).toBe('SIP/2.0 200 OK\r\n');
    expect(tagOf(getHeader(notify.message, 'To'))).toBe('uastag');
    expect(tagOf(getHeader(notify.message, 'From'))).toBe(tagOf(getHeader(invite.message, 'From')));
    expect(cseqOf(notify.message).seq).toBeGreaterThan(1);
    uas.respond(notify, 200, 'OK');
    const refer = await call.waitForRefer(100);
    expect(refer).toMatchObject({ referToUri: 'sip:+15550199@example.com', cseq: 2 });
    await sleep(20);
    expect(call.refers[0]?.notifyResponse).toBe(200);

    // A second REFER's NOTIFY carries id=<CSeq of the REFER> (RFC 3515 §2.4.6).
    uas.send(
      uas.dialogRequest(invite, 'uastag', 'REFER', 3, {
        headers: [{ name: 'r', value: '<sip:x@y>' }],
      }),
      invite.from,
    );
    const notify2 = await uas.waitForRequest('NOTIFY');
    expect(getHeader(notify2.message, 'Event')).toBe('refer;id=3');
    expect(cseqOf(notify2.message).seq).toBe(cseqOf(notify.message).seq + 1);
    uas.respond(notify2, 200, 'OK');

    // re-INVITE moving the far end's RTP to another port; the 200 is retransmitted until ACK.
    const sink2 = await setupRtpSink();
    const reinvite = uas.dialogRequest(invite, 'uastag', 'INVITE', 4, {
      headers: [{ name: 'Content-Type', value: 'application/sdp' }],
      body: answerSdp(sink2.port, 2),
    });
    uas.send(reinvite, invite.from);
    const ok1 = await uas.waitForResponse('INVITE');
    const ok2 = await uas.waitForResponse('INVITE');
    expect(ok1.message).toMatchObject({ status: 200 });
    expect(serializeSipMessage(ok2.message).equals(serializeSipMessage(ok1.message))).toBe(true);
    const ourAnswer = parseSdp(ok1.message.body.toString());
    expect(ourAnswer.media[0]).toMatchObject({ port: callerRtpPort, direction: 'sendrecv' });
    expect(ourAnswer.origin.sessionVersion).toBe('1'); // unchanged session: same version
    const reAck = uas.dialogRequest(invite, 'uastag', 'ACK', 4);
    uas.send(reAck, invite.from);
    await sleep(100);
    const after = sink2.packets.length;
    expect(after).toBeGreaterThan(0);
    const okCount = uas.log.filter(
      (r) =>
        r.message.kind === 'response' &&
        cseqOf(r.message).method === 'INVITE' &&
        cseqOf(r.message).seq === 4,
    ).length;
    await sleep(6 * T1);
    expect(
      uas.log.filter(
        (r) =>
          r.message.kind === 'response' &&
          cseqOf(r.message).method === 'INVITE' &&
          cseqOf(r.message).seq === 4,
      ),
    ).toHaveLength(okCount);

    // BYE from the far end: 200 OK, the stream stops, retransmissions get the same answer.
    const bye = uas.dialogRequest(invite, 'uastag', 'BYE', 5);
    uas.send(bye, invite.from);
    const byeOk = await uas.waitForResponse('BYE');
    expect(byeOk.message).toMatchObject({ status: 200 });
    expect(await call.ended).toMatchObject({ by: 'remote', reason: 'bye', answered: true });
    expect(call.state).toBe('ended');
    uas.send(bye, invite.from);
    const byeOkAgain = await uas.waitForResponse('BYE');
    expect(serializeSipMessage(byeOkAgain.message).equals(serializeSipMessage(byeOk.message))).toBe(
      true,
    );
    const stopped = sink2.packets.length;
    await sleep(100);
    expect(sink2.packets.length).toBeLessThanOrEqual(stopped + 1);
  });

  it('hangs up with BYE through the Record-Route (loose routing)', async () => {
    const { uas, caller } = await setup();
    const proxy = await TestUas.start();
    cleanups.push(() => proxy.close());
    const sink = await setupRtpSink();
    const call = caller.call();
    const route = `<sip:127.0.0.1:${proxy.port};lr>`;
    const invite = await uas.waitForRequest('INVITE');
    uas.respond(invite, 200, 'OK', {
      toTag: 'rr',
      headers: [
        { name: 'Record-Route', value: route },
        { name: 'Contact', value: `<${uas.contact}>` },
      ],
      body: answerSdp(sink.port),
    });
    const ack = await proxy.waitForRequest('ACK');
    expect(getHeader(ack.message, 'Route')).toBe(route);
    expect(ack.message.uri).toBe(uas.contact);
    const hangup = call.hangup();
    const bye = await proxy.waitForRequest('BYE');
    expect(bye.message.uri).toBe(uas.contact);
    expect(getHeader(bye.message, 'Route')).toBe(route);
    expect(cseqOf(bye.message)).toEqual({ seq: 2, method: 'BYE' });
    proxy.respond(bye, 200, 'OK');
    expect(await hangup).toMatchObject({ by: 'local', reason: 'bye', status: 200, answered: true });
  });

  it('answers a digest challenge to its BYE with a new CSeq', async () => {
    const { uas, caller } = await setup({ username: 'alice', password: 'pw' });
    const sink = await setupRtpSink();
    const call = caller.call();
    await answer(uas, sink.port);
    await call.answered;
    const hangup = call.hangup();
    const bye1 = await uas.waitForRequest('BYE');
    expect(getHeader(bye1.message, 'Proxy-Authorization')).toBeUndefined();
    uas.respond(bye1, 407, 'Proxy Authentication Required', {
      headers: [{ name: 'Proxy-Authenticate', value: 'Digest realm="r", nonce="b", qop="auth"' }],
    });
    const bye2 = await uas.waitForRequest('BYE');
    expect(cseqOf(bye2.message).seq).toBe(cseqOf(bye1.message).seq + 1);
    const auth = getHeader(bye2.message, 'Proxy-Authorization') ?? '';
    expect(auth).toContain(`uri="${bye2.message.uri}"`);
    expect(auth).toMatch(/qop=auth, nc=00000001$/);
    uas.respond(bye2, 200, 'OK');
    expect(await hangup).toMatchObject({ by: 'local', reason: 'bye', status: 200 });
  });

  it('ACKs then BYEs a 200 OK without a usable SDP answer', async () => {
    const { uas, caller } = await setup();
    const call: Call = caller.call();
    const invite = await uas.waitForRequest('INVITE');
    uas.respond(invite, 200, 'OK', {
      toTag: 'nosdp',
      headers: [{ name: 'Contact', value: `<${uas.contact}>` }],
    });
    await uas.waitForRequest('ACK');
    const bye = await uas.waitForRequest('BYE');
    uas.respond(bye, 200, 'OK');
    expect(await call.ended).toMatchObject({ by: 'local', reason: 'media-failed', status: 200 });
    await expect(call.answered).rejects.toBeInstanceOf(CallFailedError);
  });
});
