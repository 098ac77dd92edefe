import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tone } from './audio.js';
import { encodeWav, parseWav, readWav8k, writeWav } from './wav.js';

const HAS_SOX = existsSync('/usr/bin/sox');

function zeroCrossings(pcm: Int16Array): number {
  let n = 0;
  for (let i = 1; i < pcm.length; i++) if ((pcm[i - 1] ?? 0) < 0 !== (pcm[i] ?? 0) < 0) n++;
  return n;
}

/** A WAV image with arbitrary format fields and raw data bytes. */
function rawWav(
  format: number,
  channels: number,
  rate: number,
  bits: number,
  data: Buffer,
): Buffer {
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(format, 0);
  fmt.writeUInt16LE(channels, 2);
  fmt.writeUInt32LE(rate, 4);
  fmt.writeUInt32LE((rate * channels * bits) / 8, 8);
  fmt.writeUInt16LE((channels * bits) / 8, 12);
  fmt.writeUInt16LE(bits, 14);
  const chunk = (id: string, body: Buffer) => {
    const h = Buffer.alloc(8);
    h.write(id, 0, 'ascii');
    h.writeUInt32LE(body.length, 4);
    return Buffer.concat([h, body, body.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
  };
  const body = Buffer.concat([
    Buffer.from('WAVE'),
    chunk('fmt ', fmt),
    chunk('LIST', Buffer.from('odd')),
    chunk('data', data),
  ]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'ascii');
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

describe('WAV files', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sip-caller-wav-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes PCM16 mono 8 kHz and reads it back', async () => {
    const samples = Int16Array.from([0, 1, -1, 32767, -32768]);
    const image = encodeWav(samples);
    expect(image.toString('ascii', 0, 4)).toBe('RIFF');
    expect(image.readUInt32LE(24)).toBe(8000);
    expect(image.readUInt32LE(40)).toBe(10);
    expect(parseWav(image)).toEqual({
      format: 1,
      channels: 1,
      sampleRate: 8000,
      bitsPerSample: 16,
      samples,
    });
    const path = join(dir, 'a.wav');
    await writeWav(path, samples);
    expect(Array.from(await readWav8k(path))).toEqual(Array.from(samples));
  });

  it('mixes stereo to mono, reads μ-law and skips unknown chunks', () => {
    const stereo = Buffer.alloc(8);
    stereo.writeInt16LE(1000, 0);
    stereo.writeInt16LE(3000, 2);
    stereo.writeInt16LE(-100, 4);
    stereo.writeInt16LE(-300, 6);
    expect(Array.from(parseWav(rawWav(1, 2, 8000, 16, stereo)).samples)).toEqual([2000, -200]);
    const ulaw = parseWav(rawWav(7, 1, 8000, 8, Buffer.from([0xff, 0x80, 0x00])));
    expect(Array.from(ulaw.samples)).toEqual([0, 32124, -32124]);
    expect(() => parseWav(Buffer.from('nope'))).toThrow(/RIFF/);
    expect(() => parseWav(rawWav(85, 1, 8000, 8, Buffer.alloc(2)))).toThrow(/unsupported/);
  });

  it.skipIf(!HAS_SOX)('resamples other rates to 8 kHz with sox', async () => {
    const rate = 16000;
    const samples = new Int16Array(rate); // 1 s of 500 Hz
    for (let i = 0; i < samples.length; i++)
      samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 500 * i) / rate));
    const path = join(dir, 'wide.wav');
    await writeFile(path, encodeWav(samples, rate));
    const out = await readWav8k(path);
    expect(Math.abs(out.length - 8000)).toBeLessThanOrEqual(2);
    expect(Math.abs(zeroCrossings(out) - zeroCrossings(tone(500, 1000)))).toBeLessThanOrEqual(4);
  });

  it('explains when a file needs resampling and sox is unavailable', async () => {
    const path = join(dir, 'wide2.wav');
    await writeFile(path, encodeWav(new Int16Array(16), 16000));
    await expect(readWav8k(path, { soxPath: join(dir, 'no-such-sox') })).rejects.toThrow(
      /16000 Hz.*sox/,
    );
  });
});
