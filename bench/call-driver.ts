// The benchmarks' phone callers (concurrency and scale): each dials from its own number, hears the
// greeting, then speaks turn after turn, timing each answer (end of its speech in RTP → first
// audible packet of the answer), until stopped.
import {
  speakTurn,
  waitForAudible,
  waitForQuiet,
  type Call,
  type SipCaller,
} from '@ecommerce-voicebot/sip-caller';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Turn {
  endOfSpeechAt: number;
  latencyMs: number;
}

/** One caller: dials, hears the greeting, then speaks turn after turn until stopped. */
export interface RunningCall {
  index: number;
  /** The caller's number (distinct per index). */
  from: string;
  turns: Turn[];
  failure: string | undefined;
  /** Resolves once the greeting was heard (or the call failed). */
  ready: Promise<void>;
  stop(): Promise<void>;
}

/** The caller number of call `index`: distinct, since livekit-sip counts failures per number. */
export const callerNumber = (index: number) => `+1202555${String(1000 + index).padStart(4, '0')}`;

export function startCall(caller: SipCaller, index: number, speech: Int16Array): RunningCall {
  const from = callerNumber(index);
  let stopped = false;
  let call: Call | undefined;
  const running: RunningCall = {
    index,
    from,
    turns: [],
    failure: undefined,
    ready: Promise.resolve(),
    async stop() {
      stopped = true;
      await loop.catch(() => undefined);
      await call?.hangup();
    },
  };
  let markReady!: () => void;
  running.ready = new Promise((resolve) => (markReady = resolve));
  const fail = (what: string) => {
    running.failure ??= what;
    markReady();
  };
  const loop = (async () => {
    try {
      call = caller.call({ from });
      const answered = await Promise.race([
        call.answered,
        sleep(30_000).then(() => Promise.reject(new Error('not answered within 30 s'))),
      ]);
      await waitForAudible(call, answered.at, 15_000).catch(() => {
        throw new Error('no greeting within 15 s of the answer');
      });
      await waitForQuiet(call, 700, 20_000);
      markReady();
      // Callers do not all speak in step.
      await sleep(Math.random() * 1_500);
      while (!stopped) {
        const turn = await speakTurn(call, speech).catch((error: Error) => {
          throw new Error(`turn ${running.turns.length + 1}: ${error.message}`);
        });
        running.turns.push({
          endOfSpeechAt: turn.endOfSpeechAt,
          latencyMs: turn.firstAudibleAt - turn.endOfSpeechAt,
        });
        await sleep(300 + Math.random() * 700);
      }
    } catch (error) {
      if (!stopped) fail(`call ${index} (${from}): ${(error as Error).message}`);
    }
  })();
  return running;
}

/** Waits until every call spoke `turns` turns that ended after `since` (or one failed, or time is up). */
export async function waitForTurns(
  calls: readonly RunningCall[],
  since: number,
  turns: number,
): Promise<void> {
  const deadline = Date.now() + 60_000 + turns * 20_000;
  while (Date.now() < deadline) {
    if (calls.some((c) => c.failure !== undefined)) return;
    if (calls.every((c) => c.turns.filter((t) => t.endOfSpeechAt >= since).length >= turns)) return;
    await sleep(200);
  }
}

/** The latencies of the turns that ended after `since`, over every call. */
export const turnsSince = (calls: readonly RunningCall[], since: number): number[] =>
  calls.flatMap((c) => c.turns.filter((t) => t.endOfSpeechAt >= since).map((t) => t.latencyMs));
