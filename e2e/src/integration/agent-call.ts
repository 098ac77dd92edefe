// A production agent session (our Realtime model setup, our tools, our failure handling as
// call-session.ts wires them) against the Realtime emulator, with a real-time speaker and an open
// microphone (audio-io.ts): what the integration tests of timing and bad days talk to.
import {
  createRealtimeEmulator,
  type RealtimeEmulator,
  type RealtimeEmulatorOptions,
  type ScenarioInput,
} from '@ecommerce-voicebot/realtime-emulator';
import type { llm } from '@livekit/agents';
import { voice } from '@livekit/agents';
import {
  createEndCallTool,
  createModelRecovery,
  createRealtimeModel,
  createSupportAgent,
  createTransferTool,
  loadConfig,
  watchModelTrouble,
  watchSpeechStarts,
} from '@ecommerce-voicebot/agent';
import { pino } from 'pino';
import { RealtimeSpeaker, ScriptedMicrophone } from './audio-io.js';

const silent = pino({ level: 'silent' });
/** Closes what startCall opened, newest first (call it from afterEach). */
const cleanups: (() => Promise<unknown>)[] = [];
export async function closeCalls(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export async function until<T>(
  check: () => T | undefined | false,
  ms: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

export interface Call {
  emulator: RealtimeEmulator;
  session: voice.AgentSession;
  speaker: RealtimeSpeaker;
  mic: ScriptedMicrophone;
  transfers: number[];
  retries: () => number;
  /** Told when the caller starts a turn (the model's item id), as call-session.ts tells its observer. */
  speechStartListeners: ((itemId: string, at: number) => void)[];
  /** The recovery gave the model up (production plays the recorded apology). */
  gaveUp: () => boolean;
}

export async function startCall(
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
  let gaveUp = false;
  const speechStartListeners: ((itemId: string, at: number) => void)[] = [];
  watchSpeechStarts(model, (itemId, at) => {
    for (const listener of speechStartListeners) listener(itemId, at);
  });
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
      onGiveUp: () => void (gaveUp = true),
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
  return {
    emulator,
    session,
    speaker,
    mic,
    transfers,
    retries: () => retries,
    gaveUp: () => gaveUp,
    speechStartListeners,
  };
}
