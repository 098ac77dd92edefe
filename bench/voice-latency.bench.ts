// Voice latency: from the end of the caller's speech as sent in RTP to the first audible agent
// audio the caller receives, over real SIP/RTP through livekit-sip, livekit-server and the agent,
// with the model replaced by the Realtime emulator (in this process), in two configurations: a
// plain answer, and an answer after a get_order_status call through the MCP server. Two rows each:
// `ideal` (the emulator answers at once: what our stack adds) and `realistic` (the emulator's
// stated model and network delays, Silero end of speech: nearer what a caller hears from OpenAI;
// tools/realtime-emulator/README.md "Profiles"). Each turn is split (bench/turn-split.ts) into
// end-of-speech detection, agent, MCP, model and media path. Runs in the test network namespace:
//   npm run bench:voice [-- --turns 50 --turn-detection server|vad --configs instant,tool
//                           --profiles ideal,realistic --vad-min-silence-ms 300 --packet-trace]
//   (unset turn flags: the agent's defaults)
// --packet-trace captures the test network with tcpdump (bench/.data/pcap/<row>.pcap) and splits
// the media path hop by hop (bench/packet-trace.ts): agent, SFU, bridge.
// Prints one JSON summary as its last line, with the CPU calibration (calibration.ts) measured
// before the first stack starts and after the last one stops. The latencies are not scaled by it:
// most of a turn is fixed windows (the VAD's silence, 100 ms audio chunks, real-time pacing) that a
// faster CPU does not shorten; the calibration says whether the machine was slow or busy.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  eventually,
  KNOWN_CALLER,
  ROOT,
  startHarness,
  type Harness,
} from '@ecommerce-voicebot/e2e/harness';
import {
  AUDIBLE_DBFS,
  loadUtterance,
  speakTurn,
  waitForAudible,
  waitForQuiet,
} from '@ecommerce-voicebot/sip-caller';
import { calibrate, calibrationReport, formatCalibration } from './calibration.js';
import { machine } from './machine.js';
import { stackMediaPorts, startPacketCapture, type PacketCapture } from './packet-capture.js';
import { readPcapUdp, traceCapture, type MediaHops } from './packet-trace.js';
import { percentiles } from './stats.js';
import { splitTurn, type TurnSplit } from './turn-split.js';
import { turnFlags, turnSettings } from './turn-settings.js';

const { values } = parseArgs({
  options: {
    turns: { type: 'string', default: '50' },
    configs: { type: 'string', default: 'instant,tool' },
    profiles: { type: 'string', default: 'ideal,realistic' },
    'packet-trace': { type: 'boolean', default: false },
    ...turnFlags,
  },
});
const TURNS = Number(values.turns);
const TURN_SETTINGS = turnSettings(values);
const log = (line: string) => process.stderr.write(`${line}\n`);

const CONFIGS = {
  instant: {
    question: 'Hello, is my order on its way?',
    rules: () => [
      {
        match: { any: true },
        transcript: 'is my order on its way',
        say: 'Yes, it is out for delivery today.',
      },
    ],
  },
  tool: {
    question: 'Where is my order nine thousand?',
    // A different order every turn: the agent's toolset refuses a fourth identical call in one
    // call without asking the MCP server, which would time nothing.
    rules: (turns: number) => [
      ...Array.from({ length: turns + 5 }, (_, turn) => ({
        match: { turn },
        transcript: `where is my order ${9000 + turn}`,
      })),
      {
        match: { text: 'order (\\d+)' },
        function_call: { name: 'get_order_status', arguments: { order_id: 'O$1' } },
        say: 'Here is what I found for that order.',
      },
    ],
  },
} as const;
type ConfigName = keyof typeof CONFIGS;

/** The agent toolset's own MCP timings, from the call records it wrote. */
function toolDurations(callsDir: string): Map<string, number> {
  const durations = new Map<string, number>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.jsonl')) {
        for (const line of readFileSync(path, 'utf8').split('\n')) {
          if (!line.trim()) continue;
          try {
            const record = JSON.parse(line) as Record<string, unknown>;
            if (record.type === 'tool_call' && record.source === 'toolset')
              durations.set(String(record.callId), Number(record.durationMs));
          } catch {
            // a torn last line
          }
        }
      }
    }
  };
  walk(callsDir);
  return durations;
}

interface Measured {
  turn: number;
  endOfSpeechAt: number;
  firstAudibleAt: number;
  sessionId: string;
}

async function measure(
  harness: Harness,
  name: ConfigName,
): Promise<{ splits: TurnSplit[]; failures: string[] }> {
  const config = CONFIGS[name];
  harness.emulator.setScenario({
    ...harness.baseScenario,
    audioPacing: 'realtime',
    responseDelayMs: 0,
    rules: config.rules(TURNS),
  } as never);
  const speech = await loadUtterance(harness.speech(config.question));
  const call = harness.caller().call({ from: KNOWN_CALLER });
  const answered = await call.answered;
  await waitForAudible(call, answered.at, 10_000);
  // What the caller first hears may be the agent's recorded "Hello!", played before its model
  // session is open: wait for the session.
  const sessionId = await eventually(
    () =>
      harness.emulator
        .sessions()
        .filter((s) => s.open)
        .at(-1)?.id,
    10_000,
    'the agent to open a model session',
  );
  // ...and for the model's greeting to be over (it may follow "Hello!" after a pause); the turns
  // go on without it after 15 s.
  await eventually(
    () =>
      harness.emulator
        .sessions()
        .find((s) => s.id === sessionId)
        ?.responses.some((r) => r.status !== 'in_progress') || undefined,
    15_000,
    'the greeting',
  ).catch(() => undefined);
  // The caller speaks into silence, as people do.
  await waitForQuiet(call, 700, 20_000);
  const measured: Measured[] = [];
  const failures: string[] = [];
  for (let turn = 1; turn <= TURNS; turn++) {
    try {
      const spoken = await speakTurn(call, speech);
      measured.push({ turn, sessionId, ...spoken });
      log(`${name} turn ${turn}: ${(spoken.firstAudibleAt - spoken.endOfSpeechAt).toFixed(0)} ms`);
    } catch (error) {
      failures.push(`turn ${turn}: ${(error as Error).message}`);
      log(`${name} turn ${turn}: ${(error as Error).message}`);
      await waitForQuiet(call, 700, 20_000);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  await call.hangup();
  // The agent appends its tool-call lines as the calls run; give the last one a moment.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const durations = toolDurations(harness.callsDir);
  const splits: TurnSplit[] = [];
  for (const m of measured) {
    const split = splitTurn({
      client: harness.emulator.events,
      server: harness.emulator.serverEvents,
      toolDurations: durations,
      ...m,
    });
    if (typeof split === 'string') failures.push(`turn ${m.turn}: cannot split: ${split}`);
    else splits.push(split);
  }
  return { splits, failures };
}

const ms = (sample: number[]) => {
  if (sample.length === 0) return null;
  const { p50, p95, max } = percentiles(sample);
  return { p50: Math.round(p50), p95: Math.round(p95), max: Math.round(max) };
};

/** Each turn's media path hop by hop, from the row's packet capture. */
function hopsFromCapture(file: string, splits: TurnSplit[], failures: string[]): MediaHops[] {
  const ports = stackMediaPorts(ROOT);
  const hopsOf = traceCapture({
    packets: readPcapUdp(readFileSync(file)),
    sfuPorts: ports.sfu,
    bridgePorts: ports.bridge,
    audibleDbfs: AUDIBLE_DBFS,
  });
  // The capture has the kernel's wall clock; the turns, the caller's (performance-based) one.
  const roughOffsetMs = Date.now() - (performance.timeOrigin + performance.now());
  const hops: MediaHops[] = [];
  for (const split of splits) {
    const hop = hopsOf({ firstChunkAt: split.firstChunkAt, heardAt: split.heardAt, roughOffsetMs });
    if (typeof hop === 'string') failures.push(`packet trace: ${hop}`);
    else hops.push(hop);
  }
  return hops;
}

function summarize(splits: TurnSplit[], failures: string[], hops?: MediaHops[]) {
  const part = (pick: (s: TurnSplit) => number) => ms(splits.map(pick));
  const hop = (pick: (h: MediaHops) => number) => ms((hops ?? []).map(pick));
  return {
    turns: TURNS,
    measured: splits.length,
    failures,
    added_latency_ms: part((s) => s.totalMs),
    // The emulator's own time (speech synthesis, ~tens of ms) is not our stack's.
    added_latency_without_emulator_ms: part((s) => s.totalMs - s.modelMs),
    split_ms: {
      end_of_speech_detection: part((s) => s.endOfSpeechMs),
      agent: part((s) => s.agentMs),
      mcp: part((s) => s.mcpMs),
      model_emulator: part((s) => s.modelMs),
      media_path: part((s) => s.mediaMs),
    },
    agent_plus_media_ms: part((s) => s.agentMs + s.mediaMs),
    ...(hops && {
      media_path_hops_ms: {
        turns: hops.length,
        agent: hop((h) => h.agentMs),
        sfu: hop((h) => h.sfuMs),
        bridge: hop((h) => h.bridgeMs),
      },
    }),
  };
}

const configs = values.configs.split(',').map((c) => c.trim()) as ConfigName[];
for (const c of configs) if (!(c in CONFIGS)) throw new Error(`unknown config ${c}`);
const PROFILES = ['ideal', 'realistic'] as const;
type ProfileName = (typeof PROFILES)[number];
const profiles = values.profiles.split(',').map((p) => p.trim()) as ProfileName[];
for (const p of profiles) if (!PROFILES.includes(p)) throw new Error(`unknown profile ${p}`);
/** `instant` and `tool` (ideal profile, today's rows), then `instant_realistic`, `tool_realistic`. */
const results: Record<string, ReturnType<typeof summarize> & { profile?: string }> = {};
const runs = profiles.flatMap((profile) => configs.map((name) => ({ profile, name })));
const calibrationStart = calibrate();
for (const { profile, name } of runs) {
  const row = profile === 'ideal' ? name : `${name}_${profile}`;
  // A fresh stack per row: no state (warm caches, open rooms) carries over.
  const harness = await startHarness({
    name: `bench-voice-${row}`,
    env: TURN_SETTINGS.env,
    emulatorProfile: profile,
  });
  let capture: PacketCapture | undefined;
  try {
    if (values['packet-trace']) {
      const dir = join(ROOT, 'bench/.data/pcap');
      mkdirSync(dir, { recursive: true });
      capture = await startPacketCapture(join(dir, `${row}.pcap`));
    }
    // A call that fails (never answered, say) is a result to report, not a reason to crash.
    const { splits, failures } = await measure(harness, name).catch((error: Error) => ({
      splits: [],
      failures: [`call: ${error.name}: ${error.message}`],
    }));
    await capture?.stop();
    const hops = capture && hopsFromCapture(capture.file, splits, failures);
    results[row] = {
      ...summarize(splits, failures, hops),
      profile: harness.emulator.profileDescription,
    };
    log(`${row}: ${JSON.stringify(results[row])}`);
  } finally {
    await capture?.stop();
    await harness.close();
  }
}
const calibration = calibrationReport(calibrationStart, calibrate());
log(formatCalibration(calibration));
const p50 = (name: string, pick: (r: ReturnType<typeof summarize>) => number | undefined) =>
  results[name] ? pick(results[name]) : undefined;
console.log(
  JSON.stringify({
    benchmark: 'voice-latency',
    model: 'realtime-emulator (not OpenAI): rows without a suffix answer at once (our stack alone)',
    ...TURN_SETTINGS.report,
    machine: machine(),
    calibration,
    ...results,
    targets: {
      // Our stack alone (the ideal rows).
      p50_added_latency_under_700_ms: configs.every(
        (c) => (p50(c, (r) => r.added_latency_ms?.p50) ?? Infinity) < 700,
      ),
      agent_plus_media_p50_under_150_ms: configs.every(
        (c) => (p50(c, (r) => r.agent_plus_media_ms?.p50) ?? Infinity) < 150,
      ),
    },
  }),
);
