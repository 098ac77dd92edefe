// Voice latency our stack adds, per turn-handling mode: from the end of the caller's speech as sent
// in RTP to the first audible agent audio the caller receives, over real SIP/RTP through
// livekit-sip, livekit-server and the agent, the model replaced by the Realtime emulator answering
// at once. Runs inside the test network namespace:
//   npm run bench:voice [-- --turns 20]
// Prints one JSON summary as its last line.
import { parseArgs } from 'node:util';
import { firstAudibleMs } from '../e2e/src/sip-caller/index.js';
import { eventually, KNOWN_CALLER, startHarness } from '../e2e/src/scenarios/harness.js';
import { percentiles } from './stats.js';

const { values } = parseArgs({ options: { turns: { type: 'string', default: '20' } } });
const TURNS = Number(values.turns);
const log = (line: string) => process.stderr.write(`${line}\n`);

async function measure(mode: 'vad' | 'server'): Promise<number[]> {
  const harness = await startHarness({ env: { TURN_DETECTION: mode } });
  const latencies: number[] = [];
  try {
    await harness.scenario({
      responseDelayMs: 0,
      rules: [
        {
          match: { any: true },
          transcript: 'is my order on its way',
          say: 'Yes, it is out for delivery today.',
        },
      ],
    } as never);
    const utterance = harness.speech('Hello, is my order on its way?');
    const call = harness.caller().call({ from: KNOWN_CALLER });
    const answered = await call.answered;
    await eventually(
      () => firstAudibleMs(call.received(), -45, { after: answered.at, minPackets: 3 }),
      10_000,
      'the greeting',
    );
    // Let the greeting finish: the caller speaks into silence, as people do.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    for (let turn = 0; turn < TURNS; turn++) {
      const spoke = await call.playWav(utterance);
      const endOfSpeech = spoke.endedAt!;
      const firstAudio = await eventually(
        () => firstAudibleMs(call.received(), -45, { after: endOfSpeech, minPackets: 3 }),
        15_000,
        `the answer to turn ${turn + 1}`,
      ).catch(() => undefined);
      if (firstAudio !== undefined) {
        latencies.push(firstAudio - endOfSpeech);
        log(`${mode} turn ${turn + 1}: ${(firstAudio - endOfSpeech).toFixed(0)} ms`);
      } else {
        log(`${mode} turn ${turn + 1}: no answer within 15 s`);
      }
      // Wait for the answer (about 2.5 s of speech) to finish before the next question.
      await new Promise((resolve) => setTimeout(resolve, 4_500));
    }
    await call.hangup();
  } finally {
    await harness.close();
  }
  return latencies;
}

const results: Record<string, unknown> = {};
for (const mode of ['vad', 'server'] as const) {
  const latencies = await measure(mode);
  const stats = latencies.length > 0 ? percentiles(latencies) : undefined;
  results[mode] = {
    turns: TURNS,
    answered: latencies.length,
    end_of_speech_to_first_audio_ms: stats && {
      p50: Math.round(stats.p50),
      p95: Math.round(stats.p95),
      max: Math.round(stats.max),
    },
  };
  log(`${mode}: ${JSON.stringify(results[mode])}`);
}
console.log(
  JSON.stringify({
    benchmark: 'voice-latency',
    model: 'realtime-emulator (answers at once)',
    ...results,
  }),
);
