// What a phone call does to the caller's voice, as pure functions: band-limit to the 8 kHz
// telephone rate, G.711 μ-law encode and decode every narrowband sample, and bring the result back
// to the audio context's rate. The AudioWorklet (phone-filter.worklet.ts) runs `createPhoneBandFilter`
// on the microphone; everything here also runs in Node for the tests.

/** The telephone sample rate (G.711). */
export const PHONE_SAMPLE_RATE = 8000;
/** Anti-alias corner: the telephone band ends near 3.4 kHz, the 8 kHz rate's Nyquist limit is 4. */
export const ANTI_ALIAS_HZ = 3500;
/** Reconstruction corner after up-sampling (the interpolator already rolls off above 3 kHz). */
export const RECONSTRUCTION_HZ = 3700;

// ---------------------------------------------------------------------------------------------
// G.711 μ-law (ITU-T G.711, the classic Sun reference implementation: 14-bit magnitude, bias 0x84)

const MULAW_BIAS = 0x84;
const MULAW_CLIP = 32635;

/** Encodes one 16-bit linear PCM sample (-32768..32767) as a μ-law byte (0..255). */
export function mulawEncode(pcm: number): number {
  let sample = Math.max(-32768, Math.min(32767, Math.round(pcm)));
  const sign = sample < 0 ? 0x80 : 0;
  if (sign) sample = -sample;
  if (sample > MULAW_CLIP) sample = MULAW_CLIP;
  sample += MULAW_BIAS;
  // Segment (exponent): the position of the highest set bit of sample >> 7 (0..7).
  const exponent = 31 - Math.clz32(((sample >> 7) & 0xff) | 1);
  const mantissa = (sample >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** Decodes a μ-law byte to a 16-bit linear PCM sample. */
export function mulawDecode(byte: number): number {
  const u = ~byte & 0xff;
  const sign = u & 0x80;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + MULAW_BIAS) << exponent) - MULAW_BIAS;
  return sign && magnitude !== 0 ? -magnitude : magnitude;
}

/** A float sample (-1..1) through a μ-law encoder and decoder: what survives the phone line. */
export function mulawRoundTrip(sample: number): number {
  return mulawDecode(mulawEncode(sample * 32768)) / 32768;
}

// ---------------------------------------------------------------------------------------------
// Filters

export interface BiquadCoefficients {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

/** One low-pass section (RBJ audio-EQ cookbook), normalized so a0 = 1. */
export function lowpassBiquad(cutoffHz: number, q: number, sampleRate: number): BiquadCoefficients {
  const w0 = (2 * Math.PI * Math.min(cutoffHz, sampleRate * 0.49)) / sampleRate;
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * q);
  const a0 = 1 + alpha;
  return {
    b0: (1 - cos) / 2 / a0,
    b1: (1 - cos) / a0,
    b2: (1 - cos) / 2 / a0,
    a1: (-2 * cos) / a0,
    a2: (1 - alpha) / a0,
  };
}

/**
 * A Butterworth low-pass of even `order` as cascaded biquads (section k has Q = 1 / (2 cos θk),
 * θk = (2k + 1)π / 2n); the bilinear transform only adds attenuation near Nyquist.
 */
export function butterworthLowpass(
  order: number,
  cutoffHz: number,
  sampleRate: number,
): BiquadCoefficients[] {
  if (order < 2 || order % 2 !== 0) throw new RangeError('order must be an even number ≥ 2');
  const sections: BiquadCoefficients[] = [];
  for (let k = 0; k < order / 2; k++) {
    const theta = ((2 * k + 1) * Math.PI) / (2 * order);
    sections.push(lowpassBiquad(cutoffHz, 1 / (2 * Math.cos(theta)), sampleRate));
  }
  return sections;
}

/** A stateful cascade of biquads (transposed direct form II), one sample at a time. */
export interface Filter {
  step(x: number): number;
  reset(): void;
}

export function createBiquadCascade(sections: readonly BiquadCoefficients[]): Filter {
  const z1 = new Float64Array(sections.length);
  const z2 = new Float64Array(sections.length);
  return {
    step(x) {
      let y = x;
      for (let i = 0; i < sections.length; i++) {
        const s = sections[i]!;
        const input = y;
        y = s.b0 * input + z1[i]!;
        z1[i] = s.b1 * input - s.a1 * y + z2[i]!;
        z2[i] = s.b2 * input - s.a2 * y;
      }
      // Denormals make some engines crawl on near-silence.
      return Math.abs(y) < 1e-20 ? 0 : y;
    },
    reset() {
      z1.fill(0);
      z2.fill(0);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Up-sampling kernel

/** Lanczos kernel sinc(x)·sinc(x/a) for |x| < a. */
export function lanczos(x: number, a: number): number {
  if (x === 0) return 1;
  if (Math.abs(x) >= a) return 0;
  const p = Math.PI * x;
  return (a * Math.sin(p) * Math.sin(p / a)) / (p * p);
}

const LANCZOS_A = 4;
const PHASES = 256;

/**
 * Weights of the 2a most recent narrowband samples (index 0 = newest) for every fractional phase,
 * each row normalized to unity gain; row PHASES repeats phase 1.0 so rows can be interpolated.
 */
function lanczosTable(a: number): Float64Array[] {
  const rows: Float64Array[] = [];
  for (let p = 0; p <= PHASES; p++) {
    const u = p / PHASES;
    const row = new Float64Array(2 * a);
    let sum = 0;
    for (let i = 0; i < 2 * a; i++) {
      row[i] = lanczos(i - a + u, a);
      sum += row[i]!;
    }
    for (let i = 0; i < 2 * a; i++) row[i]! /= sum;
    rows.push(row);
  }
  return rows;
}

let sharedTable: Float64Array[] | undefined;

// ---------------------------------------------------------------------------------------------
// The phone path

export interface PhoneBandOptions {
  /** Anti-alias low-pass corner before down-sampling (default 3500 Hz, Butterworth order 10). */
  cutoffHz?: number;
  /** Apply μ-law to the narrowband samples (default true). */
  mulaw?: boolean;
}

export interface PhoneBandFilter {
  /** The input's sample rate (the audio context's). */
  readonly sampleRate: number;
  /** Processes a block; `output` may be the same array as `input`. State carries across blocks. */
  process(input: Float32Array, output: Float32Array): void;
  reset(): void;
}

/**
 * Streaming phone-band filter at `sampleRate`:
 *
 * 1. anti-alias low-pass (Butterworth, order 10, 3.5 kHz: -12 dB at 4 kHz, -47 dB at 6 kHz);
 * 2. down-sample to 8 kHz by linear interpolation at fractional positions (after step 1 the
 *    signal is far below the input's Nyquist, so this is accurate, and 44.1 kHz works as well as
 *    48 kHz);
 * 3. G.711 μ-law encode and decode of every 8 kHz sample;
 * 4. up-sample back with a Lanczos-4 interpolator (four 8 kHz periods late, so all eight
 *    neighbours exist), then a reconstruction low-pass (order 8, 3.7 kHz) for what is left of the
 *    images above 4 kHz.
 *
 * Passband: about -1 dB at 3 kHz, -4 dB at 3.4 kHz, like a phone line. Added delay: four 8 kHz
 * periods plus the filters' group delay (about 1 ms in all).
 */
export function createPhoneBandFilter(
  sampleRate: number,
  options: PhoneBandOptions = {},
): PhoneBandFilter {
  if (!(sampleRate > 0)) throw new RangeError('sampleRate must be positive');
  const useMulaw = options.mulaw ?? true;
  const antiAlias = createBiquadCascade(
    butterworthLowpass(10, options.cutoffHz ?? ANTI_ALIAS_HZ, sampleRate),
  );
  const reconstruct = createBiquadCascade(butterworthLowpass(8, RECONSTRUCTION_HZ, sampleRate));
  const table = (sharedTable ??= lanczosTable(LANCZOS_A));
  const taps = 2 * LANCZOS_A;
  /** Input samples per narrowband sample (6 at 48 kHz, 5.5125 at 44.1 kHz). */
  const step = sampleRate / PHONE_SAMPLE_RATE;

  let prevY = 0;
  let curY = 0;
  /** Time of the next narrowband sample, in input samples relative to the previous input sample. */
  let next = 0;
  /** Input samples since the newest narrowband sample was taken (0 ≤ since < step). */
  let since = 0;
  /** The newest `taps` narrowband samples, a ring; `head` is the newest. */
  const ring = new Float64Array(taps);
  let head = 0;

  const reset = (): void => {
    antiAlias.reset();
    reconstruct.reset();
    prevY = curY = 0;
    next = 0;
    since = 0;
    ring.fill(0);
    head = 0;
  };

  return {
    sampleRate,
    reset,
    process(input, output) {
      const n = Math.min(input.length, output.length);
      for (let i = 0; i < n; i++) {
        prevY = curY;
        curY = antiAlias.step(input[i]!);
        // Narrowband samples due at or before this input sample (time 0; the previous is -1).
        while (next <= 0) {
          const value = curY + next * (curY - prevY);
          head = (head + 1) % taps;
          ring[head] = useMulaw ? mulawRoundTrip(value) : value;
          since = -next;
          next += step;
        }
        // The output instant lies `since / step` of a period after the narrowband sample a
        // periods before the newest one.
        const position = (since / step) * PHASES;
        const phase = Math.min(PHASES - 1, Math.floor(position));
        const blend = position - phase;
        const lo = table[phase]!;
        const hi = table[phase + 1]!;
        let up = 0;
        for (let t = 0; t < taps; t++) {
          const weight = lo[t]! + (hi[t]! - lo[t]!) * blend;
          up += weight * ring[(head - t + taps) % taps]!;
        }
        output[i] = reconstruct.step(up);
        next -= 1;
        since += 1;
      }
    },
  };
}

/** Runs a whole buffer through a fresh phone-band filter (tests, offline checks). */
export function phoneBandLimit(
  samples: Float32Array,
  sampleRate: number,
  options?: PhoneBandOptions,
): Float32Array {
  const out = new Float32Array(samples.length);
  createPhoneBandFilter(sampleRate, options).process(samples, out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Analysis helpers (tests and diagnostics)

/** Power of `samples` at `frequency` (Goertzel), normalized so a unit sine gives about 0.25. */
export function tonePower(samples: Float32Array, frequency: number, sampleRate: number): number {
  const w = (2 * Math.PI * frequency) / sampleRate;
  const coeff = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (const x of samples) {
    const s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return power / (samples.length * samples.length);
}

/**
 * Energy of `samples` between `fromHz` and `toHz` (Hann-windowed DFT over the whole buffer, bins
 * summed; meant for short test signals: O(n²)). Comparable between buffers of the same length.
 */
export function bandEnergy(
  samples: Float32Array,
  sampleRate: number,
  fromHz: number,
  toHz: number,
): number {
  const n = samples.length;
  const windowed = new Float64Array(n);
  for (let i = 0; i < n; i++)
    windowed[i] = samples[i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1)));
  let energy = 0;
  for (let k = 1; k <= Math.floor(n / 2); k++) {
    const hz = (k * sampleRate) / n;
    if (hz < fromHz || hz > toHz) continue;
    // Rotate a unit phasor instead of calling sin/cos n times per bin.
    const cw = Math.cos((2 * Math.PI * k) / n);
    const sw = Math.sin((2 * Math.PI * k) / n);
    let c = 1;
    let s = 0;
    let re = 0;
    let im = 0;
    for (let i = 0; i < n; i++) {
      re += windowed[i]! * c;
      im -= windowed[i]! * s;
      const c2 = c * cw - s * sw;
      s = s * cw + c * sw;
      c = c2;
    }
    energy += re * re + im * im;
  }
  return energy;
}
