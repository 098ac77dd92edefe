// The production agent session (our Realtime model setup, our tools, our failure handling) against
// the Realtime emulator with a real-time speaker and an open microphone (audio-io.ts), in both
// shapes of audio delivery: `realtime` (the emulator paces audio as it plays, so an interruption is
// a server cancel) and `burst` (audio 4x faster than real time, `response.done` before playback
// ends, as with OpenAI): the goodbye and the transfer wait for the last words to be played, and a
// caller who barges in stops the agent either way (a server cancel, or a local stop and a truncate).
import { initializeLogger, voice } from '@livekit/agents';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spokenTone } from './audio-io.js';
import { closeCalls, sleep, startCall, until } from './agent-call.js';

beforeAll(() => initializeLogger({ pretty: false, level: 'warn' }));
afterEach(closeCalls);

describe.each(['realtime', 'burst'] as const)('audio delivered %s', (pacing) => {
  it('plays the whole goodbye before end_call closes the session', async () => {
    const { session, speaker } = await startCall({
      audioPacing: pacing,
      rules: [
        {
          id: 'goodbye',
          match: { text: 'goodbye' },
          function_call: { name: 'end_call', arguments: {} },
          say: 'Thanks for calling. Goodbye!',
        },
      ],
    });
    const closedAt = new Promise<number>((resolve) =>
      session.on(voice.AgentSessionEventTypes.Close, () => resolve(Date.now())),
    );
    session.generateReply({ userInput: "That's all, goodbye!" });
    const closed = await Promise.race([closedAt, sleep(15_000).then(() => 0)]);
    expect(closed).toBeGreaterThan(0);
    const goodbye = speaker.segments.at(-1)!;
    expect(goodbye.interrupted).toBe(false);
    expect(goodbye.playedMs).toBeGreaterThan(1_000);
    expect(closed).toBeGreaterThanOrEqual(goodbye.endedAt);
  }, 30_000);

  it('stops talking when the caller barges in, tells the model what was heard, then answers', async () => {
    const { session, speaker, mic, emulator } = await startCall({
      audioPacing: pacing,
      rules: [
        {
          id: 'returns',
          match: { text: 'returns' },
          say:
            'You can return any item within thirty days of delivery. Pack it in its original ' +
            'box, print the label from your account, and drop it at any post office near you.',
        },
        { match: { any: true }, transcript: 'Wait, stop, I only need the address.' },
        { id: 'address', match: { text: 'address' }, say: 'Of course. Which order is it for?' },
      ],
    });
    session.generateReply({ userInput: 'How do returns work?' });
    // Barge in 4 s into the answer: the framework ignores the caller during the first 3 s the agent
    // speaks in a session (its echo-cancellation warm-up; on a call, the greeting's first 3 s).
    await until(() => speaker.playing, 10_000, 'the answer');
    await sleep(4_000);
    const { startedAt: spokeAt } = await mic.say(spokenTone(900));
    const cut = await until(() => speaker.segments.find((s) => s.interrupted), 5_000, 'the stop');
    const answer = emulator.sessions()[0]!.responses.find((r) => r.ruleId === 'returns')!;
    // The caller heard 4 s and a bit of a 10 s answer, and the agent fell silent promptly.
    expect(cut.playedMs).toBeGreaterThan(3_500);
    expect(cut.playedMs).toBeLessThan(6_000);
    expect(cut.endedAt - spokeAt).toBeLessThan(2_000);
    if (pacing === 'burst') {
      // All audio had arrived: the server finished the answer, the client stopped playing it and
      // told the server where (OpenAI's documented shape for audio faster than real time).
      expect(answer.status).toBe('completed');
      const truncate = emulator.events.find((e) => e.type === 'conversation.item.truncate');
      expect(truncate).toBeDefined();
      const audioEndMs = (truncate!.event as { audio_end_ms: number }).audio_end_ms;
      expect(Math.abs(audioEndMs - cut.playedMs)).toBeLessThan(500);
    } else {
      // Audio paced as it plays: the server cancels the rest when it hears the caller.
      expect(answer).toMatchObject({ status: 'cancelled', cancelReason: 'turn_detected' });
      expect(answer.deliveredText.length).toBeLessThan(answer.text!.length);
    }
    // The caller's words were heard and answered: speech, not silence.
    await until(
      () => speaker.segments.length > 1 && !speaker.segments.at(-1)!.interrupted,
      10_000,
      'the answer to the barge-in',
    );
    const reply = emulator.sessions()[0]!.responses.find((r) => r.ruleId === 'address');
    expect(reply?.status).toBe('completed');
    expect(emulator.sessions()[0]!.violations).toEqual([]);
  }, 30_000);

  it('transfers only after "connecting you" has played to the end', async () => {
    const { session, speaker, transfers } = await startCall({
      audioPacing: pacing,
      rules: [
        {
          id: 'human',
          match: { text: 'human' },
          function_call: { name: 'transfer_to_human', arguments: {} },
          say: 'Connecting you now.',
        },
        {
          match: { instructions: 'connecting them to a colleague' },
          say: 'I am connecting you to a colleague now, thank you for your patience.',
        },
      ],
    });
    session.generateReply({ userInput: 'Can I talk to a human please?' });
    const transferredAt = await until(() => transfers[0], 20_000, 'the transfer');
    const connecting = speaker.segments.at(-1)!;
    expect(connecting.interrupted).toBe(false);
    expect(connecting.playedMs).toBeGreaterThan(2_000);
    expect(transferredAt).toBeGreaterThanOrEqual(connecting.endedAt);
  }, 30_000);
});
