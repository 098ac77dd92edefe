// One smoke call through a fresh local stack, in the test network namespace: the greeting, the
// caller's question "where is my order 9002" (synthetic speech), the tool call and the answer, then
// hang up. The model is the in-process Realtime emulator (its support script) or the real OpenAI
// service (reached through openai-route.ts). Returns the checks, the latency per turn and the
// plugin's event sequence from the agent's log (plugin-log.ts).
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { pino } from 'pino';
import {
  createRealtimeEmulator,
  loadScenarioFile,
  SCENARIOS_DIR,
  type RealtimeEmulator,
} from '@ecommerce-voicebot/realtime-emulator';
import {
  createSipCaller,
  firstAudibleMs,
  loadUtterance,
  speakTurn,
  waitForAudible,
  waitForQuiet,
  type SpokenTurn,
} from '@ecommerce-voicebot/sip-caller';
import { PORTS, startStack, type Stack } from '@ecommerce-voicebot/stack';
import { createSpeechSynthesizer, eventually } from '@ecommerce-voicebot/testkit';
import { readCallRecords, type ToolCallLine, type TurnLine } from './call-record.js';
import { check, type Check, type TurnLatency } from './checks.js';
import { startOpenAiRoute, type OpenAiRoute } from './openai-route.js';
import { namedStatus, readOrderStatus } from './order-status.js';
import { createPluginLogCollector, PLUGIN_DEBUG_ENV } from './plugin-log.js';
import { compactEvent, type RealtimeEvent } from './realtime-events.js';

export type Model = 'emulator' | 'openai';

/** Not a failed check: the smoke cannot run here (printed without a stack trace). */
export class SmokeSetupError extends Error {}

export const DEV_NUMBER = '+15550100';
/** Not on file: an order lookup needs no verified caller. */
export const SMOKE_CALLER = '+13125550188';
export const ORDER_ID = 'O9002';
export const QUESTION = 'Where is my order nine zero zero two?';
const DIGITS = ORDER_ID.replace(/\D/g, '');

export interface CallOptions {
  model: Model;
  root: string;
  /** Absolute; the stack's log goes here as `<model>.stack.log`. */
  outDir: string;
  openaiApiKey?: string;
  /** OPENAI_BASE_URL of the caller's environment, if any (the route then leads there). */
  openaiBaseUrl?: string;
  logger: Logger;
}

export interface CallResult {
  model: Model;
  checks: Check[];
  turns: TurnLatency[];
  /** What the plugin logged (LK_OPENAI_DEBUG=1), in order, compacted. */
  events: RealtimeEvent[];
  /** Emulator runs: what the emulator itself recorded of the same session(s). */
  emulatorEvents?: RealtimeEvent[];
  stackLog: string;
  /** What the agent said after the tool call (its transcript, from the call record). */
  answer?: string;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function emulatorRecord(emulator: RealtimeEmulator): RealtimeEvent[] {
  const merged = [
    ...emulator.events.map((e) => ({
      seq: e.seq,
      at: e.receivedAt,
      direction: 'client' as const,
      e,
    })),
    ...emulator.serverEvents.map((e) => ({
      seq: e.seq,
      at: e.sentAt,
      direction: 'server' as const,
      e,
    })),
  ].sort((a, b) => a.at - b.at || a.seq - b.seq);
  return merged.map(({ direction, e }) =>
    compactEvent({ direction, type: e.type, event: e.event }),
  );
}

export async function runCall(options: CallOptions): Promise<CallResult> {
  const { model, root, outDir, logger } = options;
  const ip = process.env.STACK_IP;
  if (process.env.IN_TEST_NETNS !== '1' || ip === undefined)
    throw new SmokeSetupError(
      'the smoke test runs inside the test network namespace: use `npm run smoke -- --model ...`',
    );
  mkdirSync(outDir, { recursive: true });
  const stackLogPath = join(outDir, `${model}.stack.log`);
  const stackLog = createWriteStream(stackLogPath);
  const callsDir = mkdtempSync(join(tmpdir(), 'smoke-calls-'));
  const secrets = { username: 'smoke-caller', password: randomBytes(12).toString('base64url') };
  const apiKey = `API${randomBytes(6).toString('hex')}`;
  const apiSecret = randomBytes(32).toString('base64url');
  const plugin = createPluginLogCollector();
  const checks: Check[] = [];
  const turns: TurnLatency[] = [];
  const status = readOrderStatus(join(root, 'data/orders.csv'), ORDER_ID);

  let emulator: RealtimeEmulator | undefined;
  let route: OpenAiRoute | undefined;
  let stack: Stack | undefined;
  let answer: string | undefined;
  let emulatorEvents: RealtimeEvent[] | undefined;
  try {
    const modelEnv: NodeJS.ProcessEnv = {};
    if (model === 'emulator') {
      emulator = await createRealtimeEmulator({
        // The support script: turn 0 is "where is my order 9002", looked up with get_order_status
        // and answered with the tool's summary (which names the statuses).
        scenario: await loadScenarioFile(join(SCENARIOS_DIR, 'support-call.json')),
        logger: pino({ level: 'silent' }),
        host: '127.0.0.1',
        now: () => performance.timeOrigin + performance.now(),
      });
    } else {
      route = await startOpenAiRoute({ root, baseUrl: options.openaiBaseUrl });
      logger.info({ via: route.via }, 'route to OpenAI ready');
      Object.assign(modelEnv, {
        AGENT_MODE: 'production',
        OPENAI_API_KEY: options.openaiApiKey,
        OPENAI_BASE_URL: route.baseUrl,
      });
    }
    const env: NodeJS.ProcessEnv = { ...process.env };
    // The emulator gets no real key; the real service gets it from modelEnv only.
    delete env.OPENAI_API_KEY;
    delete env.OPENAI_BASE_URL;
    logger.info({ model }, 'starting the stack');
    stack = await startStack({
      root,
      ip,
      offline: model === 'emulator',
      ...(emulator ? { emulatorUrl: emulator.url } : {}),
      onLine: (line) => {
        stackLog.write(`${line}\n`);
        plugin.onLine(line);
      },
      env: {
        ...env,
        LIVEKIT_API_KEY: apiKey,
        LIVEKIT_API_SECRET: apiSecret,
        MCP_AUTH_TOKEN: randomBytes(24).toString('base64url'),
        SIP_USERNAME: secrets.username,
        SIP_PASSWORD: secrets.password,
        REDIS_PASSWORD: randomBytes(24).toString('base64url'),
        QA_PASSCODE: randomBytes(12).toString('base64url'),
        CALLS_DIR: callsDir,
        ...PLUGIN_DEBUG_ENV,
        ...modelEnv,
      },
    });

    const speech = await loadUtterance(createSpeechSynthesizer().speak(QUESTION));
    const caller = createSipCaller({
      server: { host: ip, port: PORTS.sip },
      localAddress: ip,
      username: secrets.username,
      password: secrets.password,
      to: DEV_NUMBER,
      from: SMOKE_CALLER,
    });
    try {
      // Returns early when a step fails that the next ones need.
      const converse = async (): Promise<void> => {
        logger.info('calling');
        const call = caller.call({ from: SMOKE_CALLER });
        const answered = await call.answered;
        const greetingAt = await waitForAudible(call, answered.at, 15_000).catch(
          (error: Error) => error,
        );
        if (greetingAt instanceof Error) {
          checks.push(check('greeting heard', false, greetingAt.message));
          return;
        }
        checks.push(
          check(
            'greeting heard',
            true,
            `${Math.round(greetingAt - answered.at)} ms after the 200 OK`,
          ),
        );
        turns.push({
          turn: 0,
          what: 'greeting',
          firstAudibleMs: Math.round(greetingAt - answered.at),
        });
        // The caller speaks into silence, as people do.
        await waitForQuiet(call, 700, 30_000);

        logger.info('asking about the order');
        const spoken: SpokenTurn | Error = await speakTurn(call, speech, {
          answerTimeoutMs: 20_000,
        }).catch((error: Error) => error);
        const endOfSpeechAt = spoken instanceof Error ? undefined : spoken.endOfSpeechAt;
        const tool = await eventually(
          () =>
            readCallRecords(callsDir).find(
              (line): line is ToolCallLine =>
                line.type === 'tool_call' && line.name === 'get_order_status',
            ),
          30_000,
          'a get_order_status call in the call record',
        ).catch(() => undefined);
        const orderArg =
          tool && typeof tool.args === 'object' && tool.args !== null
            ? String((tool.args as Record<string, unknown>).order_id ?? '')
            : undefined;
        checks.push(
          check(
            `get_order_status called for order ${DIGITS}`,
            tool !== undefined && orderArg?.replace(/\D/g, '') === DIGITS && tool.status === 'ok',
            tool === undefined
              ? 'no get_order_status call in the call record within 30 s'
              : `order_id ${JSON.stringify(orderArg)}, status ${tool.status}`,
          ),
        );
        // The answer proper: audible after the tool call (a model may say "let me check" first).
        const after = tool?.at ?? endOfSpeechAt;
        const answerAt =
          after === undefined
            ? undefined
            : await eventually(
                () => firstAudibleMs(call.received(), -45, { after, minPackets: 5 }),
                20_000,
                'the answer',
              ).catch(() => undefined);
        checks.push(
          check(
            'audible answer',
            answerAt !== undefined && !(spoken instanceof Error),
            spoken instanceof Error
              ? spoken.message
              : answerAt === undefined
                ? 'nothing audible after the tool call within 20 s'
                : `${Math.round(spoken.firstAudibleAt - spoken.endOfSpeechAt)} ms after the end of speech`,
          ),
        );
        // What the agent said after the lookup: its transcript in the call record.
        const said = await eventually(
          () => {
            const lines = readCallRecords(callsDir).filter(
              (line): line is TurnLine =>
                line.type === 'turn' && line.role === 'assistant' && line.at >= (tool?.at ?? 0),
            );
            const text = lines.map((line) => line.text).join(' ');
            return tool !== undefined && namedStatus(text, status) !== undefined ? text : undefined;
          },
          30_000,
          "the agent's answer",
        ).catch(() =>
          readCallRecords(callsDir)
            .filter((l): l is TurnLine => l.type === 'turn' && l.role === 'assistant')
            .map((l) => l.text)
            .join(' '),
        );
        answer = said;
        const named = namedStatus(said, status);
        checks.push(
          check(
            "the answer names the order's status",
            named !== undefined,
            named !== undefined
              ? `names "${named}": "${said}"`
              : `expected one of ${status.statuses.map((s) => `"${s}"`).join(', ')} (data/orders.csv, ${ORDER_ID}); the agent said: "${said}"`,
          ),
        );
        await waitForQuiet(call, 700, 20_000);
        await call.hangup().catch(() => undefined);
        // The agent writes a turn's latency line when its answer ends or the call does.
        await wait(1_500);
        const latency = readCallRecords(callsDir).find((l) => l.type === 'latency' && l.turn === 1);
        turns.push({
          turn: 1,
          what: QUESTION,
          ...(spoken instanceof Error
            ? {}
            : { firstAudibleMs: Math.round(spoken.firstAudibleAt - spoken.endOfSpeechAt) }),
          ...(answerAt !== undefined && endOfSpeechAt !== undefined
            ? { answerAfterToolMs: Math.round(answerAt - endOfSpeechAt) }
            : {}),
          ...(latency?.type === 'latency'
            ? {
                agentEndOfSpeechToFirstAudioMs: latency.endOfSpeechToFirstAudioMs,
                ttftMs: latency.ttftMs,
                toolMs: latency.toolMs,
              }
            : {}),
        });
      };
      await converse();
    } finally {
      await caller.close();
    }
  } finally {
    // Both records are read once the agent has stopped: nothing more can be added to either.
    await stack?.stop();
    if (emulator) emulatorEvents = emulatorRecord(emulator);
    await route?.close();
    await emulator?.close();
    await new Promise<void>((resolve) => stackLog.end(() => resolve()));
  }
  return {
    model,
    checks,
    turns,
    events: plugin.events(),
    ...(emulatorEvents ? { emulatorEvents } : {}),
    stackLog: stackLogPath,
    ...(answer !== undefined ? { answer } : {}),
  };
}
