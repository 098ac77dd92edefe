import { describe, expect, it } from 'vitest';
import { tone } from './audio.js';
import { decodeTelephoneEvent } from './dtmf.js';
import { mulawToPcm16, pcm16ToMulaw } from './g711.js';
import { OutgoingMedia } from './outgoing.js';
import { decodeRtp } from './rtp.js';

function media(clock = { t: 1000 }) {
  const m = new OutgoingMedia({
    ssrc: 0xcafebabe,
    initialSequence: 65534,
    initialTimestamp: 2 ** 32 - 160,
    now: () => clock.t,
  });
  m.setPayloadTypes(0, 101);
  return { m, clock };
}

describe('outgoing RTP stream', () => {
  it('sends μ-law silence every tick when idle, with continuous seq/timestamp and one marker', () => {
    const { m } = media();
    const packets = [m.next(), m.next(), m.next()];
    expect(packets.map((p) => p.kind)).toEqual(['silence', 'silence', 'silence']);
    expect(packets.map((p) => p.marker)).toEqual([true, false, false]);
    expect(packets.map((p) => p.sequenceNumber)).toEqual([65534, 65535, 0]);
    expect(packets.map((p) => p.timestamp)).toEqual([2 ** 32 - 160, 0, 160]);
    for (const p of packets) {
      expect(p.payload).toHaveLength(160);
      expect(p.payload.every((b) => b === 0xff)).toBe(true);
      const rtp = decodeRtp(p.datagram);
      expect(rtp).toMatchObject({
        payloadType: 0,
        ssrc: 0xcafebabe,
        sequenceNumber: p.sequenceNumber,
      });
    }
  });

  it('packetizes queued speech into 160-sample frames and reports when it was sent', async () => {
    const { m, clock } = media();
    const speech = tone(1000, 50, 0.5); // 400 samples: 2.5 frames
    const done = m.enqueueAudio(speech);
    const sent = [];
    for (let i = 0; i < 4; i++) {
      clock.t = 1000 + i * 20;
      sent.push(m.next());
    }
    expect(sent.map((p) => p.kind)).toEqual(['audio', 'audio', 'audio', 'silence']);
    const decoded = mulawToPcm16(Buffer.concat(sent.slice(0, 3).map((p) => p.payload)));
    expect(Array.from(decoded.subarray(0, 400))).toEqual(
      Array.from(mulawToPcm16(pcm16ToMulaw(speech))),
    );
    expect(decoded.subarray(400).every((s) => s === 0)).toBe(true); // last frame padded
    await expect(done).resolves.toEqual({
      completed: true,
      packets: 3,
      startedAt: 1000,
      endedAt: 1040,
    });
  });

  it('joins back-to-back playbacks without a gap and clears on demand', async () => {
    const { m } = media();
    const a = m.enqueueAudio(new Int16Array(100).fill(1000));
    const b = m.enqueueAudio(new Int16Array(100).fill(-1000));
    const c = m.enqueueAudio(new Int16Array(1000).fill(500));
    const first = mulawToPcm16(m.next().payload);
    expect(first[99]).toBeGreaterThan(0);
    expect(first[100]).toBeLessThan(0);
    await expect(a).resolves.toMatchObject({ completed: true, packets: 1 });
    m.next();
    await expect(b).resolves.toMatchObject({ completed: true, packets: 2 });
    m.clear();
    await expect(c).resolves.toMatchObject({ completed: false });
    expect(m.next().kind).toBe('silence');
  });

  it('sends DTMF events in order after audio, one timestamp per event, then the gap', async () => {
    const { m } = media();
    m.next(); // tick 0: silence
    const speech = m.enqueueAudio(new Int16Array(160).fill(2000));
    const digits = m.enqueueDtmf('1#', { toneMs: 60, gapMs: 40 });
    const packets = Array.from({ length: 1 + 2 * (3 + 2 + 2) + 1 }, () => m.next());
    await expect(speech).resolves.toMatchObject({ completed: true });
    await expect(digits).resolves.toMatchObject({ completed: true, packets: 10 });
    expect(packets.map((p) => p.kind).join(',')).toBe(
      'audio,dtmf,dtmf,dtmf,dtmf,dtmf,silence,silence,dtmf,dtmf,dtmf,dtmf,dtmf,silence,silence,silence',
    );
    const one = packets.slice(1, 6);
    const eventTs = one[0]?.timestamp;
    expect(one.every((p) => p.timestamp === eventTs && p.payloadType === 101)).toBe(true);
    expect(one.map((p) => p.marker)).toEqual([true, false, false, false, false]);
    expect(one.map((p) => decodeTelephoneEvent(p.payload))).toMatchObject([
      { event: 1, end: false, duration: 160 },
      { event: 1, end: false, duration: 320 },
      { event: 1, end: true, duration: 480 },
      { event: 1, end: true, duration: 480 },
      { event: 1, end: true, duration: 480 },
    ]);
    // The stream clock keeps running under the event: the gap resumes 5 ticks later.
    expect(packets[6]?.timestamp).toBe(((eventTs ?? 0) + 5 * 160) >>> 0);
    expect(packets[6]?.marker).toBe(true); // new talkspurt after the event
    const seqs = packets.map((p) => p.sequenceNumber);
    expect(seqs.every((s, i) => i === 0 || s === (((seqs[i - 1] ?? 0) + 1) & 0xffff))).toBe(true);
  });

  it('refuses DTMF when the remote side has no telephone-event, and bad digits', async () => {
    const { m } = media();
    m.setPayloadTypes(0, undefined);
    const p = m.enqueueDtmf('5');
    expect(m.next().kind).toBe('silence');
    await expect(p).rejects.toThrow(/telephone-event/);
    await expect(m.enqueueDtmf('5x')).rejects.toThrow(/DTMF digit/);
  });

  it('skips ticks by advancing the timestamp only', () => {
    const { m } = media();
    const a = m.next();
    m.skip(3);
    const b = m.next();
    expect(b.sequenceNumber).toBe((a.sequenceNumber + 1) & 0xffff);
    expect(b.timestamp).toBe((a.timestamp + 4 * 160) >>> 0);
    expect(m.tickCount).toBe(5);
  });
});
