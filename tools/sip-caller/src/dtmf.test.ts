import { describe, expect, it } from 'vitest';
import {
  decodeTelephoneEvent,
  DtmfDetector,
  dtmfDigit,
  dtmfEventCode,
  encodeTelephoneEvent,
  planDtmfEvent,
} from './dtmf.js';

describe('RFC 4733 telephone-event', () => {
  it('lays out the 4-byte payload: event, E|R|volume, duration', () => {
    const bytes = encodeTelephoneEvent({ event: 5, end: true, volume: 10, duration: 800 });
    expect([...bytes]).toEqual([0x05, 0x8a, 0x03, 0x20]);
    expect([...encodeTelephoneEvent({ event: 11, end: false, volume: 63, duration: 160 })]).toEqual(
      [0x0b, 0x3f, 0x00, 0xa0],
    );
    expect(decodeTelephoneEvent(bytes)).toEqual({ event: 5, end: true, volume: 10, duration: 800 });
    expect(() => encodeTelephoneEvent({ event: 1, end: false, volume: 64, duration: 0 })).toThrow();
  });

  it('maps DTMF characters to event codes 0-15', () => {
    expect([...'0123456789*#ABCD'].map(dtmfEventCode)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    ]);
    expect(dtmfEventCode('d')).toBe(15);
    expect(dtmfDigit(11)).toBe('#');
    expect(() => dtmfEventCode('x')).toThrow(/DTMF/);
  });

  it('plans one key press: marker first, growing duration, end bit on the last three', () => {
    const plan = planDtmfEvent('#', { toneMs: 100, volume: 10 });
    expect(plan).toHaveLength(5 + 2);
    const events = plan.map((p) => decodeTelephoneEvent(p.payload));
    expect(plan.map((p) => p.marker)).toEqual([true, false, false, false, false, false, false]);
    expect(events.map((e) => e.duration)).toEqual([160, 320, 480, 640, 800, 800, 800]);
    expect(events.map((e) => e.end)).toEqual([false, false, false, false, true, true, true]);
    expect(new Set(events.map((e) => e.event))).toEqual(new Set([11]));
    expect(new Set(events.map((e) => e.volume))).toEqual(new Set([10]));
    // A single-packet tone still ends with three end packets.
    expect(
      planDtmfEvent('1', { toneMs: 10 }).map((p) => decodeTelephoneEvent(p.payload).end),
    ).toEqual([true, true, true]);
  });

  it('detects each key press once, ignoring retransmitted end packets', () => {
    const detector = new DtmfDetector();
    const found = [
      ...planDtmfEvent('9').map((p, i) => detector.push(1000, p.payload, i * 20)),
      ...planDtmfEvent('#', { toneMs: 60 }).map((p, i) =>
        detector.push(3000, p.payload, 500 + i * 20),
      ),
    ].flat();
    expect(found.map((d) => [d.digit, d.durationMs, d.timestamp, d.startedAt])).toEqual([
      ['9', 100, 1000, 0],
      ['#', 60, 3000, 500],
    ]);
  });

  it('reports an event whose end packets were lost when the next one starts', () => {
    const detector = new DtmfDetector();
    const plan = planDtmfEvent('4');
    detector.push(0, plan[0]?.payload ?? Buffer.alloc(4), 0);
    detector.push(0, plan[1]?.payload ?? Buffer.alloc(4), 20);
    const next = detector.push(2000, planDtmfEvent('5')[0]?.payload ?? Buffer.alloc(4), 300);
    expect(next.map((d) => [d.digit, d.durationMs])).toEqual([['4', 40]]);
  });
});
