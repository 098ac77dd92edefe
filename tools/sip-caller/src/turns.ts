// What a caller in a conversation does (the voice benchmarks' and the smoke test's): speak a turn,
// notice the agent's answer start and end. Listens to packets as they arrive (Call.received()
// copies every packet of the call each time).
import { PACKET_MS, rmsDbfs, SAMPLES_PER_PACKET } from './audio.js';
import type { Call } from './call-api.js';
import { readWav8k } from './wav.js';

/** Quieter than this is silence (the emulator's voice is about -20 dBFS). */
export const AUDIBLE_DBFS = -45;
/** Packets in a row that count as the agent speaking (a single click does not). */
const MIN_AUDIBLE_PACKETS = 3;

/**
 * The speech with its trailing silence cut at packet granularity, so the last packet sent is the
 * last audible one: "end of speech" is then what a listener would call it.
 */
export function trimTrailingSilence(samples: Int16Array): Int16Array {
  let end = samples.length;
  while (end > 0) {
    const start = Math.max(0, end - SAMPLES_PER_PACKET);
    if (rmsDbfs(samples.subarray(start, end)) >= AUDIBLE_DBFS) break;
    end = start;
  }
  return samples.slice(0, end);
}

export async function loadUtterance(wavPath: string): Promise<Int16Array> {
  return trimTrailingSilence(await readWav8k(wavPath));
}

/** Resolves with the arrival time of the first audible run of packets arriving after `after`. */
export function waitForAudible(call: Call, after: number, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let run = 0;
    let runStart = 0;
    const done = (error?: Error) => {
      off();
      offEnded();
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(runStart);
    };
    const off = call.onAudio((packet) => {
      if (packet.at < after) return;
      if (packet.dbfs < AUDIBLE_DBFS) {
        run = 0;
        return;
      }
      if (run++ === 0) runStart = packet.at;
      if (run >= MIN_AUDIBLE_PACKETS) done();
    });
    const offEnded = call.on('ended', (end) => done(new Error(`call ended: ${end.reason}`)));
    const timer = setTimeout(
      () => done(new Error(`no audible answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
}

/** Resolves once `quietMs` of silence has arrived (the agent finished speaking), or at the timeout. */
export function waitForQuiet(call: Call, quietMs: number, timeoutMs: number): Promise<void> {
  const need = Math.ceil(quietMs / PACKET_MS);
  return new Promise((resolve) => {
    let quiet = 0;
    const done = () => {
      off();
      offEnded();
      clearTimeout(timer);
      resolve();
    };
    const off = call.onAudio((packet) => {
      quiet = packet.dbfs < AUDIBLE_DBFS ? quiet + 1 : 0;
      if (quiet >= need) done();
    });
    const offEnded = call.on('ended', done);
    const timer = setTimeout(done, timeoutMs);
  });
}

export interface SpokenTurn {
  /** Send time of the last audible packet of the caller's speech. */
  endOfSpeechAt: number;
  /** Arrival time of the first audible packet of the answer. */
  firstAudibleAt: number;
}

/** Speaks, waits for the answer to start (rejects if it does not), then for it to end. */
export async function speakTurn(
  call: Call,
  speech: Int16Array,
  options: { answerTimeoutMs?: number } = {},
): Promise<SpokenTurn> {
  const played = await call.play(speech);
  if (!played.completed || played.endedAt === undefined) throw new Error('the speech was cut off');
  const endOfSpeechAt = played.endedAt;
  const firstAudibleAt = await waitForAudible(
    call,
    endOfSpeechAt,
    options.answerTimeoutMs ?? 15_000,
  );
  await waitForQuiet(call, 700, 20_000);
  return { endOfSpeechAt, firstAudibleAt };
}
