// RFC 4733 telephone-event payloads (DTMF named events 0-15) and the packet plan for one key
// press: one RTP timestamp per event (its start), marker on the first packet, the duration
// growing by one packet interval per packet, and the final packet (E bit) sent three times.

/** DTMF characters to RFC 4733 event codes (§3.2). */
const EVENT_CODES: Record<string, number> = {
  '0': 0,
  '1': 1,
  '2': 2,
  '3': 3,
  '4': 4,
  '5': 5,
  '6': 6,
  '7': 7,
  '8': 8,
  '9': 9,
  '*': 10,
  '#': 11,
  A: 12,
  B: 13,
  C: 14,
  D: 15,
};

const EVENT_DIGITS = Object.fromEntries(
  Object.entries(EVENT_CODES).map(([digit, code]) => [code, digit]),
) as Record<number, string>;

export function dtmfEventCode(digit: string): number {
  const code = EVENT_CODES[digit.toUpperCase()];
  if (code === undefined) throw new Error(`not a DTMF digit: ${JSON.stringify(digit)}`);
  return code;
}

export function dtmfDigit(event: number): string | undefined {
  return EVENT_DIGITS[event];
}

export interface TelephoneEvent {
  event: number;
  end: boolean;
  /** Power level, 0..63 meaning 0 to -63 dBm0. */
  volume: number;
  /** In RTP timestamp units (samples at 8 kHz). */
  duration: number;
}

/** Encodes the 4-byte event payload: event | E R volume(6) | duration(16) (§2.3). */
export function encodeTelephoneEvent(e: TelephoneEvent): Buffer {
  if (e.event < 0 || e.event > 255) throw new Error('event code 0..255');
  if (e.volume < 0 || e.volume > 63) throw new Error('volume 0..63');
  if (e.duration < 0 || e.duration > 0xffff) throw new Error('duration 0..65535');
  const out = Buffer.alloc(4);
  out[0] = e.event;
  out[1] = (e.end ? 0x80 : 0) | (e.volume & 0x3f); // R bit stays 0
  out.writeUInt16BE(e.duration, 2);
  return out;
}

export function decodeTelephoneEvent(payload: Uint8Array): TelephoneEvent {
  if (payload.length < 4) throw new Error('telephone-event payload needs 4 bytes');
  const b = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  return {
    event: b[0] ?? 0,
    end: ((b[1] ?? 0) & 0x80) !== 0,
    volume: (b[1] ?? 0) & 0x3f,
    duration: b.readUInt16BE(2),
  };
}

export interface DtmfOptions {
  /** Tone length (default 100 ms; rounded up to whole packets). */
  toneMs?: number;
  /** Silence after each digit before the next one (default 100 ms). */
  gapMs?: number;
  /** 0..63, i.e. 0 to -63 dBm0 (default 10). */
  volume?: number;
}

export interface DtmfPacketPlan {
  marker: boolean;
  payload: Buffer;
}

/**
 * The packets of one event at 20 ms intervals: `ceil(toneMs / 20)` packets with growing
 * duration, the last with the E bit, then two retransmissions of that last packet (§2.5.1.4).
 * All share the event's RTP timestamp.
 */
export function planDtmfEvent(
  digit: string,
  options: { toneMs?: number; volume?: number; packetMs?: number } = {},
): DtmfPacketPlan[] {
  const event = dtmfEventCode(digit);
  const packetMs = options.packetMs ?? 20;
  const samplesPerPacket = (packetMs * 8000) / 1000;
  const toneMs = options.toneMs ?? 100;
  const volume = options.volume ?? 10;
  const count = Math.max(1, Math.ceil(toneMs / packetMs));
  const plan: DtmfPacketPlan[] = [];
  for (let k = 0; k < count; k++) {
    plan.push({
      marker: k === 0,
      payload: encodeTelephoneEvent({
        event,
        end: k === count - 1,
        volume,
        duration: (k + 1) * samplesPerPacket,
      }),
    });
  }
  const last = plan[plan.length - 1];
  if (last) plan.push({ ...last, marker: false }, { ...last, marker: false });
  return plan;
}

export interface DetectedDtmf {
  digit: string;
  event: number;
  /** RTP timestamp of the event start. */
  timestamp: number;
  durationMs: number;
  volume: number;
  /** Arrival time of the first packet of the event. */
  startedAt: number;
  /** Arrival time of the packet that completed it. */
  endedAt: number;
}

/**
 * Turns received telephone-event packets into key presses: one report per event (per RTP
 * timestamp), on its first end packet, or when a new event starts before the previous ended.
 */
export class DtmfDetector {
  private current:
    | { timestamp: number; event: number; startedAt: number; lastDuration: number; volume: number }
    | undefined;
  private readonly reported = new Set<number>();

  push(timestamp: number, payload: Uint8Array, at: number): DetectedDtmf[] {
    const out: DetectedDtmf[] = [];
    let ev: TelephoneEvent;
    try {
      ev = decodeTelephoneEvent(payload);
    } catch {
      return out;
    }
    if (this.reported.has(timestamp)) return out; // retransmitted end packets
    if (this.current && this.current.timestamp !== timestamp) {
      out.push(this.report(this.current, this.current.lastDuration, at));
    }
    if (!this.current || this.current.timestamp !== timestamp) {
      this.current = {
        timestamp,
        event: ev.event,
        startedAt: at,
        lastDuration: ev.duration,
        volume: ev.volume,
      };
    }
    this.current.lastDuration = Math.max(this.current.lastDuration, ev.duration);
    if (ev.end) {
      out.push(this.report(this.current, this.current.lastDuration, at));
      this.current = undefined;
    }
    return out;
  }

  private report(
    c: { timestamp: number; event: number; startedAt: number; volume: number },
    duration: number,
    at: number,
  ): DetectedDtmf {
    this.reported.add(c.timestamp);
    if (this.reported.size > 256) {
      const first = this.reported.values().next().value;
      if (first !== undefined) this.reported.delete(first);
    }
    return {
      digit: dtmfDigit(c.event) ?? `event-${c.event}`,
      event: c.event,
      timestamp: c.timestamp,
      durationMs: duration / 8,
      volume: c.volume,
      startedAt: c.startedAt,
      endedAt: at,
    };
  }
}
