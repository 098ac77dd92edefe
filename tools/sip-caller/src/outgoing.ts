// The outgoing RTP stream as a pure state machine: one packet per 20 ms tick. Queued speech is
// packetized as PCMU, DTMF as RFC 4733 events, and silence (μ-law 0xFF) fills every tick with
// nothing queued, so the far end always receives a continuous stream.
import { SAMPLES_PER_PACKET } from './audio.js';
import { planDtmfEvent, type DtmfOptions, type DtmfPacketPlan } from './dtmf.js';
import { MULAW_SILENCE, mulawToPcm16, pcm16ToMulaw } from './g711.js';
import { encodeRtp } from './rtp.js';

export interface PlaybackResult {
  /** False when the call ended or playback was stopped before everything was sent. */
  completed: boolean;
  /** Send time of the first packet carrying this item (caller clock, ms). */
  startedAt?: number;
  /** Send time of the last packet carrying this item. */
  endedAt?: number;
  packets: number;
}

export interface OutgoingPacket {
  kind: 'audio' | 'silence' | 'dtmf';
  /** The complete RTP datagram. */
  datagram: Buffer;
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  /** μ-law payload for audio/silence, the 4-byte event for DTMF. */
  payload: Buffer;
}

export interface OutgoingMediaOptions {
  ssrc: number;
  initialSequence: number;
  initialTimestamp: number;
  now: () => number;
}

interface Deferred {
  resolve(result: PlaybackResult): void;
  reject(error: Error): void;
  result: PlaybackResult;
}

interface AudioItem {
  kind: 'audio';
  samples: Int16Array;
  offset: number;
  done: Deferred;
}

interface DtmfItem {
  kind: 'dtmf';
  /** Remaining steps: a digit's packets, or silent ticks (gaps and pauses). */
  steps: ({ type: 'event'; digit: string } | { type: 'pause'; ticks: number })[];
  current?: { plan: DtmfPacketPlan[]; index: number; timestamp: number };
  pauseLeft: number;
  options: DtmfOptions;
  done: Deferred;
}

type Item = AudioItem | DtmfItem;

function deferred(): { promise: Promise<PlaybackResult>; done: Deferred } {
  let resolve!: (r: PlaybackResult) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<PlaybackResult>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, done: { resolve, reject, result: { completed: false, packets: 0 } } };
}

const SILENCE_PAYLOAD = Buffer.alloc(SAMPLES_PER_PACKET, MULAW_SILENCE);

export class OutgoingMedia {
  private readonly queue: Item[] = [];
  private readonly ssrc: number;
  private readonly now: () => number;
  private sequence: number;
  private timestamp: number;
  private ticks = 0;
  private markNext = true;
  private audioPayloadType = 0;
  private dtmfPayloadType: number | undefined;

  constructor(options: OutgoingMediaOptions) {
    this.ssrc = options.ssrc >>> 0;
    this.sequence = options.initialSequence & 0xffff;
    this.timestamp = options.initialTimestamp >>> 0;
    this.now = options.now;
  }

  /** Payload types from the negotiated SDP (the remote side's numbering). */
  setPayloadTypes(audio: number, dtmf: number | undefined): void {
    this.audioPayloadType = audio;
    this.dtmfPayloadType = dtmf;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Ticks elapsed (packets sent plus ticks skipped). */
  get tickCount(): number {
    return this.ticks;
  }

  /** Queues PCM16 8 kHz mono; resolves once its last packet is sent (or the queue is cleared). */
  enqueueAudio(samples: Int16Array): Promise<PlaybackResult> {
    const { promise, done } = deferred();
    if (samples.length === 0) {
      done.resolve({ completed: true, packets: 0 });
      return promise;
    }
    this.queue.push({ kind: 'audio', samples, offset: 0, done });
    return promise;
  }

  /**
   * Queues DTMF digits (0-9 * # A-D; `,` pauses 500 ms). Rejects when the remote side did not
   * accept telephone-event by the time the digits are due.
   */
  enqueueDtmf(digits: string, options: DtmfOptions = {}): Promise<PlaybackResult> {
    const steps: DtmfItem['steps'] = [];
    const gapTicks = Math.max(0, Math.round((options.gapMs ?? 100) / 20));
    for (const ch of digits) {
      if (ch === ',') steps.push({ type: 'pause', ticks: 25 });
      else if (/^[0-9*#A-Da-d]$/.test(ch)) {
        steps.push({ type: 'event', digit: ch.toUpperCase() });
        if (gapTicks > 0) steps.push({ type: 'pause', ticks: gapTicks });
      } else if (!/\s/.test(ch)) {
        return Promise.reject(new Error(`not a DTMF digit: ${JSON.stringify(ch)}`));
      }
    }
    const { promise, done } = deferred();
    this.queue.push({ kind: 'dtmf', steps, pauseLeft: 0, options, done });
    return promise;
  }

  /** Drops everything queued; pending playbacks resolve with completed=false. */
  clear(): void {
    for (const item of this.queue.splice(0)) {
      item.done.resolve({ ...item.done.result, completed: false });
    }
  }

  /** Advances the stream clock without sending (the sender fell behind real time). */
  skip(ticks: number): void {
    this.ticks += ticks;
    this.timestamp = (this.timestamp + ticks * SAMPLES_PER_PACKET) >>> 0;
  }

  /** The packet for the next 20 ms tick. */
  next(): OutgoingPacket {
    const at = this.now();
    const tickTimestamp = this.timestamp;
    let out: Omit<OutgoingPacket, 'datagram' | 'sequenceNumber'> | undefined;

    while (!out && this.queue.length > 0) {
      const head = this.queue[0];
      if (!head) break;
      if (head.kind === 'audio') {
        out = this.nextAudio(at, tickTimestamp);
      } else {
        out = this.nextDtmf(head, at, tickTimestamp);
        if (!out) this.finish(head, at);
      }
    }
    if (!out) {
      out = {
        kind: 'silence',
        marker: this.markNext,
        payloadType: this.audioPayloadType,
        timestamp: tickTimestamp,
        payload: SILENCE_PAYLOAD,
      };
    }
    if (out.kind === 'dtmf') this.markNext = true;
    else if (this.markNext) {
      out.marker = true;
      this.markNext = false;
    }
    const sequenceNumber = this.sequence;
    this.sequence = (this.sequence + 1) & 0xffff;
    this.ticks++;
    this.timestamp = (this.timestamp + SAMPLES_PER_PACKET) >>> 0;
    const datagram = encodeRtp({
      marker: out.marker,
      payloadType: out.payloadType,
      sequenceNumber,
      timestamp: out.timestamp,
      ssrc: this.ssrc,
      payload: out.payload,
    });
    return { ...out, datagram, sequenceNumber };
  }

  private nextAudio(
    at: number,
    timestamp: number,
  ): Omit<OutgoingPacket, 'datagram' | 'sequenceNumber'> {
    const frame = new Int16Array(SAMPLES_PER_PACKET);
    let filled = 0;
    // Consecutive audio items share frames so back-to-back play() calls stay gapless.
    while (filled < SAMPLES_PER_PACKET) {
      const head = this.queue[0];
      if (!head || head.kind !== 'audio') break;
      const take = Math.min(SAMPLES_PER_PACKET - filled, head.samples.length - head.offset);
      frame.set(head.samples.subarray(head.offset, head.offset + take), filled);
      head.offset += take;
      filled += take;
      head.done.result.packets++;
      head.done.result.startedAt ??= at;
      head.done.result.endedAt = at;
      if (head.offset >= head.samples.length) this.finish(head, at);
    }
    return {
      kind: 'audio',
      marker: false,
      payloadType: this.audioPayloadType,
      timestamp,
      payload: pcm16ToMulaw(frame),
    };
  }

  private nextDtmf(
    item: DtmfItem,
    at: number,
    timestamp: number,
  ): Omit<OutgoingPacket, 'datagram' | 'sequenceNumber'> | undefined {
    for (;;) {
      if (item.current) {
        const step = item.current.plan[item.current.index++];
        if (step) {
          if (this.dtmfPayloadType === undefined) break;
          item.done.result.packets++;
          item.done.result.startedAt ??= at;
          item.done.result.endedAt = at;
          return {
            kind: 'dtmf',
            marker: step.marker,
            payloadType: this.dtmfPayloadType,
            timestamp: item.current.timestamp,
            payload: step.payload,
          };
        }
        item.current = undefined;
      }
      if (item.pauseLeft > 0) {
        item.pauseLeft--;
        item.done.result.endedAt = at;
        return {
          kind: 'silence',
          marker: false,
          payloadType: this.audioPayloadType,
          timestamp,
          payload: SILENCE_PAYLOAD,
        };
      }
      const step = item.steps.shift();
      if (!step) return undefined;
      if (step.type === 'pause') {
        item.pauseLeft = step.ticks;
        continue;
      }
      if (this.dtmfPayloadType === undefined) break;
      item.current = {
        plan: planDtmfEvent(step.digit, item.options),
        index: 0,
        timestamp,
      };
    }
    // The remote side did not accept telephone-event.
    this.queue.shift();
    item.done.reject(new Error('cannot send DTMF: the remote SDP has no telephone-event'));
    return undefined;
  }

  private finish(item: Item, at: number): void {
    const index = this.queue.indexOf(item);
    if (index >= 0) this.queue.splice(index, 1);
    item.done.result.endedAt ??= at;
    item.done.resolve({ ...item.done.result, completed: true });
  }

  /** A silent/sent payload decoded, for logs of what the far end heard. */
  static decode(packet: OutgoingPacket): Int16Array | undefined {
    return packet.kind === 'dtmf' ? undefined : mulawToPcm16(packet.payload);
  }
}
