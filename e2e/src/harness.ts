// One local stack for the phone-call scenarios, run inside the test network namespace, with the
// Realtime emulator in this process so each scenario scripts the model and reads what it got.
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RoomServiceClient } from 'livekit-server-sdk';
import { createLiveKitClient, runCli } from '@ecommerce-voicebot/sip';
import { pino } from 'pino';
import {
  createRealtimeEmulator,
  createSileroVadFactory,
  loadScenarioFile,
  SCENARIOS_DIR,
  type RealtimeEmulator,
  type Scenario,
  type ScenarioInput,
} from '@ecommerce-voicebot/realtime-emulator';
import {
  createSipCaller,
  firstAudibleMs,
  type Call,
  type SipCaller,
} from '@ecommerce-voicebot/sip-caller';
import { PORTS, startStack, type Stack } from '@ecommerce-voicebot/stack';
import { createSpeechSynthesizer, eventually } from '@ecommerce-voicebot/testkit';

// Moved to the test kit (the smoke test uses them too); still exported here for the scenarios.
export { eventually };

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEV_NUMBER = '+15550100';
/** C5000 Ana García's number on file (data/customers.csv). */
export const KNOWN_CALLER = '+14155550100';
export const UNKNOWN_CALLER = '+12025550199';
export const TRANSFER_TO = 'tel:+15550100200';

export interface Harness {
  ip: string;
  stack: Stack;
  emulator: RealtimeEmulator;
  rooms: RoomServiceClient;
  /** livekit-server's API (the SIP admin API too) and this stack's key, for SIP objects of a test. */
  livekit: { url: string; apiKey: string; apiSecret: string };
  secrets: { username: string; password: string; qaPasscode: string };
  callsDir: string;
  /** A SIP caller on the test network, closed by `close()`. */
  /**
   * A SIP caller on the test network, closed by `close()` (or `closeCallers()`). `from` is the
   * caller number (default KNOWN_CALLER); callers held at once need their own `rtpPorts`.
   */
  caller(options?: {
    password?: string;
    t1Ms?: number;
    from?: string;
    rtpPorts?: { min: number; max: number };
  }): SipCaller;
  /** Speech for a caller's turn: espeak-ng at 8 kHz. */
  speech(text: string): string;
  /** The support script the emulator starts with (tools/realtime-emulator/scenarios/support-call.json). */
  baseScenario: Scenario;
  scenario(input: Partial<ScenarioInput>): Promise<void>;
  /**
   * Hangs up every call the test's callers still hold and closes them: an assertion that fails
   * mid-call must not leave the call up for the next test (it would wait for an idle agent).
   */
  closeCallers(): Promise<void>;
  /**
   * Applies a trunks file the way an admin does (`npm run sip -- apply FILE`), beside the dev file
   * the stack applied; the harness's SIP credentials fill its ${SIP_USERNAME}/${SIP_PASSWORD}.
   */
  applyTrunksFile(text: string): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(
  options: {
    env?: Record<string, string>;
    /** Long benchmarks cap what the emulator keeps (every audio chunk is recorded). */
    maxRecordedEvents?: number;
    /**
     * Where the emulator listens (default 127.0.0.1): STACK_IP lets worker hosts (test hosts) share
     * it through OPENAI_BASE_URL = `harness.emulator.url`, as they would share OpenAI.
     */
    emulatorHost?: string;
    /** The stack's log: test-artifacts/e2e/<name>.stack.log, one per test file or benchmark. */
    name?: string;
    /** Also gets every line of the stack's log as it comes (e.g. the bridge's, `[sip] ...`). */
    onLine?: (line: string) => void;
    /** `media`: no agent worker here (tests of worker hosts start their own). */
    role?: 'all' | 'media';
    /** Return once the agent worker registered, before its job processes are warm. */
    skipWarmWait?: boolean;
    /** CPU profiles of the agent worker and its job processes go here (benchmarks). */
    agentCpuProfileDir?: string;
    /**
     * The emulator's timing profile (default `ideal`: answers at once). `realistic` adds the
     * model's and the network's delays and decides end of speech with Silero.
     */
    emulatorProfile?: 'ideal' | 'realistic';
  } = {},
): Promise<Harness> {
  const ip = process.env.STACK_IP;
  if (process.env.IN_TEST_NETNS !== '1' || ip === undefined) {
    throw new Error(
      'the phone-call scenarios run inside the test network namespace: use `npm run test:e2e`',
    );
  }
  const artifacts = join(ROOT, 'test-artifacts/e2e');
  mkdirSync(artifacts, { recursive: true });
  const stackLog = createWriteStream(join(artifacts, `${options.name ?? 'e2e'}.stack.log`));
  const callsDir = mkdtempSync(join(tmpdir(), 'calls-'));
  const secrets = {
    username: 'e2e-caller',
    password: randomBytes(12).toString('base64url'),
    qaPasscode: randomBytes(12).toString('base64url'),
  };
  const apiKey = `API${randomBytes(6).toString('hex')}`;
  const apiSecret = randomBytes(32).toString('base64url');

  const baseScenario = await loadScenarioFile(join(SCENARIOS_DIR, 'support-call.json'));
  const emulator = await createRealtimeEmulator({
    scenario: baseScenario,
    logger: pino({ level: 'silent' }),
    host: options.emulatorHost ?? '127.0.0.1',
    // The SIP caller's clock, so emulator event times and RTP times compare directly.
    now: () => performance.timeOrigin + performance.now(),
    ...(options.maxRecordedEvents === undefined
      ? {}
      : { maxRecordedEvents: options.maxRecordedEvents }),
    ...(options.emulatorProfile === 'realistic'
      ? { profile: 'realistic' as const, modelVad: await createSileroVadFactory() }
      : {}),
  });
  const stack = await startStack({
    root: ROOT,
    ip,
    offline: true,
    emulatorUrl: emulator.url,
    ...(options.role === undefined ? {} : { role: options.role }),
    ...(options.skipWarmWait === undefined ? {} : { skipWarmWait: options.skipWarmWait }),
    ...(options.agentCpuProfileDir === undefined
      ? {}
      : { agentCpuProfileDir: options.agentCpuProfileDir }),
    onLine: (line) => {
      stackLog.write(`${line}\n`);
      options.onLine?.(line);
    },
    env: {
      ...process.env,
      LIVEKIT_API_KEY: apiKey,
      LIVEKIT_API_SECRET: apiSecret,
      MCP_AUTH_TOKEN: randomBytes(24).toString('base64url'),
      SIP_USERNAME: secrets.username,
      SIP_PASSWORD: secrets.password,
      REDIS_PASSWORD: randomBytes(24).toString('base64url'),
      QA_PASSCODE: secrets.qaPasscode,
      CALLS_DIR: callsDir,
      TRANSFER_TO,
      LOG_LEVEL: 'info',
      ...options.env,
    },
  });
  // Ready: startStack waited for each health check (the agent worker's once it is connected to
  // livekit-server). A call that comes before its warm job processes are up waits for one.
  const rooms = new RoomServiceClient(`http://127.0.0.1:${PORTS.livekit}`, apiKey, apiSecret);
  const callers: SipCaller[] = [];
  const speech = createSpeechSynthesizer();

  return {
    ip,
    stack,
    emulator,
    rooms,
    livekit: { url: `http://127.0.0.1:${PORTS.livekit}`, apiKey, apiSecret },
    secrets,
    callsDir,
    baseScenario,
    caller(options = {}) {
      const caller = createSipCaller({
        server: { host: ip, port: PORTS.sip },
        localAddress: ip,
        username: secrets.username,
        password: options.password ?? secrets.password,
        to: DEV_NUMBER,
        from: options.from ?? KNOWN_CALLER,
        ...(options.t1Ms === undefined ? {} : { timers: { t1Ms: options.t1Ms } }),
        ...(options.rtpPorts === undefined ? {} : { rtpPorts: options.rtpPorts }),
      });
      callers.push(caller);
      return caller;
    },
    speech(text) {
      return speech.speak(text);
    },
    async scenario(input) {
      emulator.setScenario({ ...baseScenario, ...input, audioPacing: 'realtime' } as ScenarioInput);
    },
    async applyTrunksFile(text) {
      const file = join(mkdtempSync(join(tmpdir(), 'trunks-')), 'trunks.yaml');
      writeFileSync(file, text);
      const lines: string[] = [];
      const code = await runCli(['apply', file], {
        env: {
          LIVEKIT_URL: `http://127.0.0.1:${PORTS.livekit}`,
          LIVEKIT_API_KEY: apiKey,
          LIVEKIT_API_SECRET: apiSecret,
          SIP_USERNAME: secrets.username,
          SIP_PASSWORD: secrets.password,
        },
        cwd: ROOT,
        output: { out: (line) => lines.push(line), err: (line) => lines.push(line) },
        createClient: createLiveKitClient,
      });
      if (code !== 0) throw new Error(`sip apply failed (${code}):\n${lines.join('\n')}`);
    },
    async closeCallers() {
      await Promise.all(callers.splice(0).map((caller) => caller.close()));
    },
    async close() {
      await Promise.all(callers.map((caller) => caller.close()));
      await stack.stop();
      await emulator.close();
      stackLog.end();
    },
  };
}

/**
 * Waits until the agent worker runs no call, so a scenario's emulator sessions and tool calls are
 * its own (overlapping calls are the concurrency benchmark's subject).
 */
export async function agentIdle(): Promise<void> {
  await eventually(
    async () => {
      const response = await fetch(`http://127.0.0.1:${PORTS.agentHealth}/worker`).catch(
        () => undefined,
      );
      const status = response?.ok
        ? ((await response.json()) as { active_jobs?: number })
        : undefined;
      return status?.active_jobs === 0 ? true : undefined;
    },
    30_000,
    'the agent worker to finish its calls',
  );
}

/**
 * The room of the call from `from`, found by its SIP participant's `sip.phoneNumber` attribute
 * (room names never contain the caller's number); rooms in `except` (earlier calls) are skipped.
 */
export async function callRoom(
  rooms: RoomServiceClient,
  from: string,
  except: ReadonlySet<string> = new Set(),
): Promise<string | undefined> {
  for (const room of await rooms.listRooms()) {
    if (except.has(room.name)) continue;
    const participants = await rooms.listParticipants(room.name).catch(() => []);
    if (participants.some((p) => p.attributes['sip.phoneNumber'] === from)) return room.name;
  }
  return undefined;
}

/** When a call was answered and when its caller first heard something after that (epoch ms). */
export async function answeredAndHeard(
  call: Call,
  timeoutMs = 10_000,
  what = 'audio',
): Promise<{ answeredAt: number; heardAt: number }> {
  const answered = await call.answered;
  const heardAt = await eventually(
    () => firstAudibleMs(call.received(), -45, { after: answered.at, minPackets: 3 }),
    timeoutMs,
    what,
  );
  return { answeredAt: answered.at, heardAt };
}
