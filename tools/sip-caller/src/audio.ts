// PCM16 helpers for the caller (8 kHz mono, the G.711 rate) and analysis of what was heard.

export const SAMPLE_RATE = 8000;
export const SAMPLES_PER_PACKET = 160; // 20 ms
export const PACKET_MS = 20;

/** One received RTP audio packet, decoded. Times are in the caller's clock (epoch ms). */
export interface ReceivedPacket {
  /** Arrival time of the datagram. */
  at: number;
  sequenceNumber: number;
  /** Sequence number extended across wrap-around. */
  extendedSequence: number;
  timestamp: number;
  ssrc: number;
  marker: boolean;
  payloadType: number;
  /** Decoded PCM16 at 8 kHz (160 samples for 20 ms). */
  samples: Int16Array;
  /** RMS level of `samples` in dBFS (-120 for digital silence). */
  dbfs: number;
}

export interface ReceivedAudio {
  sampleRate: typeof SAMPLE_RATE;
  /** Every audio packet in arrival order. */
  packets: readonly ReceivedPacket[];
  /** All samples in arrival order (duplicate packets dropped; lost packets are not filled). */
  pcm: Int16Array;
}

/** RMS level in dBFS (full-scale sine ≈ -3 dBFS); -120 for empty input or digital silence. */
export function rmsDbfs(pcm: Int16Array): number {
  if (pcm.length === 0) return -120;
  let sum = 0;
  for (let i = 0; i < pcm.length; i++) {
    const v = (pcm[i] ?? 0) / 32768;
    sum += v * v;
  }
  const rms = Math.sqrt(sum / pcm.length);
  return rms <= 0 ? -120 : Math.max(-120, 20 * Math.log10(rms));
}

export interface FirstAudibleOptions {
  /** Ignore packets that arrived before this time (e.g. the end of the caller's speech). */
  after?: number;
  /** Require this many consecutive audible packets (default 1); the first one's time counts. */
  minPackets?: number;
}

/**
 * Arrival time (caller clock, ms) of the first packet at or above `thresholdDbfs`, or
 * undefined. Subtract `answered.at` (or a playback's `endedAt`) to get a latency.
 */
export function firstAudibleMs(
  received: ReceivedAudio | readonly ReceivedPacket[],
  thresholdDbfs = -45,
  options: FirstAudibleOptions = {},
): number | undefined {
  const packets = 'packets' in received ? received.packets : received;
  const need = Math.max(1, options.minPackets ?? 1);
  let run = 0;
  let runStart: number | undefined;
  for (const p of packets) {
    if (options.after !== undefined && p.at < options.after) continue;
    if (p.dbfs >= thresholdDbfs) {
      if (run === 0) runStart = p.at;
      run++;
      if (run >= need) return runStart;
    } else {
      run = 0;
    }
  }
  return undefined;
}

export function silence(ms: number): Int16Array {
  return new Int16Array(Math.round((ms * SAMPLE_RATE) / 1000));
}

/** A sine tone at 8 kHz; amplitude is a fraction of full scale. */
export function tone(frequencyHz: number, ms: number, amplitude = 0.3): Int16Array {
  const n = Math.round((ms * SAMPLE_RATE) / 1000);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = Math.round(
      amplitude * 32767 * Math.sin((2 * Math.PI * frequencyHz * i) / SAMPLE_RATE),
    );
  }
  return out;
}

export function concatPcm16(parts: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
