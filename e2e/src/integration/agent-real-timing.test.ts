// The production agent session (our Realtime model setup, our tools, our failure handling) against
// the Realtime emulator with a real-time speaker and an open microphone (audio-io.ts), in both
// shapes of audio delivery: `realtime` (the emulator paces audio as it plays, so an interruption is
// a server cancel) and `burst` (audio 4x faster than real time, `response.done` before playback
// ends, as with OpenAI): the goodbye and the transfer wait for the last words to be played.
import {
  createRealtimeEmulator,
  type RealtimeEmulator,
  type RealtimeEmulatorOptions,
  type ScenarioInput,
} from '@ecommerce-voicebot/realtime-emulator';
import type { llm } from '@livekit/agents';
import { initializeLogger, voice } from '@livekit/agents';
import {
  createEndCallTool,
  createModelRecovery,
  createRealtimeModel,
  createSupportAgent,
  createTransferTool,
  loadConfig,
  watchModelTrouble,
} from '@ecommerce-voicebot/agent';
import { pino } from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RealtimeSpeaker, ScriptedMicrophone } from './audio-io.js';

const silent = pino({ level: 'silent' });
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(() => initializeLogger({ pretty: false, level: 'warn' }));
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until<T>(check: () => T | undefined | false, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

interface Call {
  emulator: RealtimeEmulator;
  session: voice.AgentSession;
  speaker: RealtimeSpeaker;
  mic: ScriptedMicrophone;
  transfers: number[];
  retries: () => number;
}

async function startCall(
  scenario: ScenarioInput,
  options: Partial<RealtimeEmulatorOptions> = {},
  tools: llm.ToolContextEntry[] = [],
): Promise<Call> {
  const emulator = await createRealtimeEmulator({ scenario, logger: silent, ...options });
  cleanups.push(() => emulator.close());
  const config = loadConfig({ AGENT_MODE: 'offline', OPENAI_BASE_URL: emulator.url });
  const model = createRealtimeModel(config);
  const session = new voice.AgentSession({ llm: model });
  // The call observer listens in production; without a listener the framework rethrows errors.
  session.on(voice.AgentSessionEventTypes.Error, () => undefined);
  let retries = 0;
  // As call-session.ts wires it.
  watchModelTrouble(
    model,
    createModelRecovery({
      session: {
        generateReply: (o) => {
          retries++;
          return session.generateReply(o);
        },
      },
      logger: silent,
      onGiveUp: () => undefined,
    }),
  );
  const speaker = new RealtimeSpeaker();
  const mic = new ScriptedMicrophone();
  session.input.audio = mic;
  session.output.audio = speaker;
  const transfers: number[] = [];
  const agent = createSupportAgent({
    instructions: 'test',
    tools: [
      createEndCallTool(),
      createTransferTool({
        transferTo: 'tel:+15550100',
        caller: () => ({ kind: 'sip', identity: 'caller' }),
        transfer: async () => void transfers.push(Date.now()),
      }),
      ...tools,
    ],
    greet: false,
  });
  await session.start({ agent });
  cleanups.push(async () => {
    await mic.close();
    await session.close();
  });
  return { emulator, session, speaker, mic, transfers, retries: () => retries };
}

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
