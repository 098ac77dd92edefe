// Synthetic speech for a caller's turn: espeak-ng, resampled by sox to 8 kHz mono 16-bit (the
// telephone rate the SIP caller sends). Both are Debian packages `npm run setup` installs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Makes WAV files of spoken text in a directory of its own; returns each file's path. */
export function createSpeechSynthesizer(dir = mkdtempSync(join(tmpdir(), 'speech-'))): {
  speak(text: string): string;
} {
  let count = 0;
  return {
    speak(text) {
      const raw = join(dir, `${count}.raw.wav`);
      const wav = join(dir, `${count++}.wav`);
      execFileSync('espeak-ng', ['-v', 'en-us', '-w', raw, text]);
      execFileSync('sox', [raw, '-r', '8000', '-c', '1', '-b', '16', wav]);
      return wav;
    },
  };
}
