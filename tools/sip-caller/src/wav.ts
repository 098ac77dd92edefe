// WAV (RIFF) reading and writing. Native: PCM 8/16/24/32-bit, 32-bit float, μ-law and A-law,
// any channel count (mixed to mono). Files that are not 8 kHz are resampled with sox.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { SAMPLE_RATE } from './audio.js';
import { mulawToLinear } from './g711.js';

export interface WavData {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** WAVE format tag (1 PCM, 3 float, 6 A-law, 7 μ-law). */
  format: number;
  /** Mono PCM16 (channels averaged). */
  samples: Int16Array;
}

export class WavError extends Error {
  override name = 'WavError';
}

function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  let magnitude =
    exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  if (!(a & 0x80)) magnitude = -magnitude;
  return magnitude;
}

export function parseWav(buf: Buffer): WavData {
  if (
    buf.length < 12 ||
    buf.toString('ascii', 0, 4) !== 'RIFF' ||
    buf.toString('ascii', 8, 12) !== 'WAVE'
  ) {
    throw new WavError('not a RIFF/WAVE file');
  }
  let offset = 12;
  let fmt:
    { format: number; channels: number; sampleRate: number; bitsPerSample: number } | undefined;
  let data: Buffer | undefined;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const start = offset + 8;
    const end = Math.min(buf.length, start + size);
    if (id === 'fmt ') {
      if (size < 16) throw new WavError('fmt chunk too short');
      let format = buf.readUInt16LE(start);
      if (format === 0xfffe && size >= 26) format = buf.readUInt16LE(start + 24); // EXTENSIBLE
      fmt = {
        format,
        channels: buf.readUInt16LE(start + 2),
        sampleRate: buf.readUInt32LE(start + 4),
        bitsPerSample: buf.readUInt16LE(start + 14),
      };
    } else if (id === 'data') {
      data = buf.subarray(start, end);
    }
    offset = start + size + (size % 2);
  }
  if (!fmt) throw new WavError('no fmt chunk');
  if (!data) throw new WavError('no data chunk');
  const { format, channels, bitsPerSample } = fmt;
  if (channels < 1) throw new WavError('no channels');
  const bytesPerSample = bitsPerSample / 8;
  const reader = sampleReader(format, bitsPerSample);
  const frames = Math.floor(data.length / (bytesPerSample * channels));
  const samples = new Int16Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += reader(data, (i * channels + c) * bytesPerSample);
    samples[i] = Math.max(-32768, Math.min(32767, Math.round(sum / channels)));
  }
  return { ...fmt, samples };
}

function sampleReader(format: number, bits: number): (b: Buffer, o: number) => number {
  if (format === 1 && bits === 16) return (b, o) => b.readInt16LE(o);
  if (format === 1 && bits === 8) return (b, o) => ((b[o] ?? 128) - 128) << 8;
  if (format === 1 && bits === 24) return (b, o) => b.readIntLE(o, 3) >> 8;
  if (format === 1 && bits === 32) return (b, o) => b.readInt32LE(o) >> 16;
  if (format === 3 && bits === 32) return (b, o) => Math.round(b.readFloatLE(o) * 32767);
  if (format === 7 && bits === 8) return (b, o) => mulawToLinear(b[o] ?? 0xff);
  if (format === 6 && bits === 8) return (b, o) => alawToLinear(b[o] ?? 0xd5);
  throw new WavError(`unsupported WAV encoding (format ${format}, ${bits} bits)`);
}

/** A PCM16 mono WAV file image. */
export function encodeWav(samples: Int16Array, sampleRate = SAMPLE_RATE): Buffer {
  const dataBytes = samples.length * 2;
  const out = Buffer.alloc(44 + dataBytes);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i] ?? 0, 44 + i * 2);
  return out;
}

export async function writeWav(
  path: string,
  samples: Int16Array,
  sampleRate = SAMPLE_RATE,
): Promise<void> {
  await writeFile(path, encodeWav(samples, sampleRate));
}

export interface ReadWavOptions {
  /** sox binary used when the file is not 8 kHz (default `sox` on PATH). */
  soxPath?: string;
}

/**
 * Reads a WAV file as PCM16 mono 8 kHz. Files at other rates are resampled by sox
 * (`sox in.wav -t raw -r 8000 -c 1 -e signed-integer -b 16 -L -`); without sox they are refused.
 */
export async function readWav8k(path: string, options: ReadWavOptions = {}): Promise<Int16Array> {
  const wav = parseWav(await readFile(path));
  if (wav.sampleRate === SAMPLE_RATE) return wav.samples;
  const sox = options.soxPath ?? 'sox';
  const raw = await new Promise<Buffer>((resolve, reject) => {
    execFile(
      sox,
      [
        path,
        '-t',
        'raw',
        '-r',
        String(SAMPLE_RATE),
        '-c',
        '1',
        '-e',
        'signed-integer',
        '-b',
        '16',
        '-L',
        '-',
      ],
      { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new WavError(
              `${path} is ${wav.sampleRate} Hz and resampling with ${sox} failed ` +
                `(${(error as NodeJS.ErrnoException).code ?? error.message}): ${stderr.toString().trim()}`,
            ),
          );
        } else resolve(stdout);
      },
    );
  });
  const out = new Int16Array(Math.floor(raw.length / 2));
  for (let i = 0; i < out.length; i++) out[i] = raw.readInt16LE(i * 2);
  return out;
}
