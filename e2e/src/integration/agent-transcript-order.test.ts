// The caller's words in the right order when the model transcribes them late, as OpenAI does
// (the answer starts before `input_audio_transcription.completed`): the production session and
// our call observer against the emulator with a transcription slower than the answer (4 s), a caller who speaks.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCallObserver, createCallRecorder, readCallRecord } from '@ecommerce-voicebot/agent';
import { initializeLogger } from '@livekit/agents';
import { pino } from 'pino';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { spokenTone } from './audio-io.js';
import { closeCalls, startCall, until } from './agent-call.js';

beforeAll(() => initializeLogger({ pretty: false, level: 'error' }));
afterEach(closeCalls);

it("keeps the caller's words before the answer to them though their transcript came after it", async () => {
  const call = await startCall(
    {
      rules: [
        { match: { any: true }, transcript: 'Where is my order 9002?' },
        { id: 'answer', match: { text: 'order' }, say: 'It shipped yesterday and comes Friday.' },
      ],
    },
    { profile: { name: 'ideal', transcriptionDelayMs: { min: 4_000, max: 4_000 } } },
  );
  const logger = pino({ level: 'silent' });
  const recorder = createCallRecorder({
    dir: mkdtempSync(join(tmpdir(), 'calls-')),
    callId: 'order-test',
    startedAt: Date.now(),
    kind: 'web',
    logger,
  });
  const observer = createCallObserver({
    session: call.session as never,
    callId: 'order-test',
    recorder,
    logger,
  });
  call.speechStartListeners.push((itemId, at) => observer.speechStarted(itemId, at));
  await call.mic.say(spokenTone(1_200));
  await until(() => observer.turns.some((turn) => turn.role === 'user'), 15_000, 'the transcript');
  await observer.end('test_done');
  const lines = await readCallRecord(recorder.path);
  // The transcript came late: its turn line follows the answer's...
  const turnRoles = lines.filter((line) => line.type === 'turn').map((line) => line.role);
  expect(turnRoles).toEqual(['assistant', 'user']);
  // ...and the record's transcript puts the caller first, where they spoke.
  const transcript = lines.find((line) => line.type === 'transcript');
  expect(transcript?.turns.map((turn) => turn.role)).toEqual(['user', 'assistant']);
  expect(transcript?.turns[0]?.text).toBe('Where is my order 9002?');
  // No caller audio item was deleted while its transcript was pending (the real service loses it).
  expect(call.emulator.sessions()[0]!.violations).toEqual([]);
});
