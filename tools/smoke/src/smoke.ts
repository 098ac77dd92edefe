// The smoke test: one call (call.ts), its event sequence saved, and compared with the emulator's.
//   --model emulator: the plugin's sequence (from its debug log) is saved as the baseline, and
//     compared with what the emulator itself recorded of the same session: they must agree, which
//     proves the log capture that --model openai relies on.
//   --model openai: the real service's sequence is compared with the saved emulator baseline (made
//     by an emulator run first when there is none); the differences are printed, never a failure.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Logger } from 'pino';
import { runCall, SmokeSetupError, type CallResult, type Model } from './call.js';
import { check, type Check, type TurnLatency } from './checks.js';
import { diffEvents, type EventDiff } from './event-diff.js';
import { fromJsonLines, toJsonLines, type RealtimeEvent } from './realtime-events.js';

export interface SmokeOptions {
  model: Model;
  root: string;
  /** Relative to root, or absolute. */
  out: string;
  baseline?: string;
  openaiApiKey?: string;
  openaiBaseUrl?: string;
  logger: Logger;
  /** Tests: the call itself (default runCall). */
  call?: typeof runCall;
}

export interface SmokeReport {
  model: Model;
  ok: boolean;
  checks: Check[];
  turns: TurnLatency[];
  answer?: string;
  /** Paths relative to the root. */
  eventsFile: string;
  stackLog: string;
  eventCounts: { client: number; server: number };
  comparison: {
    /** What the sequence was compared with. */
    baseline: string;
    baselineSource: 'emulator-record' | 'saved' | 'just-run';
    diff: EventDiff;
  };
}

export const eventsFileName = (model: Model) => `${model}.events.jsonl`;

const counts = (events: readonly RealtimeEvent[]) => ({
  client: events.filter((e) => e.direction === 'client').length,
  server: events.filter((e) => e.direction === 'server').length,
});

export async function runSmoke(options: SmokeOptions): Promise<SmokeReport> {
  const { root, logger } = options;
  const call = options.call ?? runCall;
  const outDir = resolve(root, options.out);
  mkdirSync(outDir, { recursive: true });
  const rel = (path: string) => relative(root, path);
  const save = (result: CallResult) => {
    const file = join(outDir, eventsFileName(result.model));
    writeFileSync(file, toJsonLines(result.events));
    return file;
  };
  const callOptions = {
    root,
    outDir,
    logger,
    ...(options.openaiApiKey ? { openaiApiKey: options.openaiApiKey } : {}),
    ...(options.openaiBaseUrl ? { openaiBaseUrl: options.openaiBaseUrl } : {}),
  };

  let baselineFile: string | undefined;
  let baselineSource: SmokeReport['comparison']['baselineSource'] = 'saved';
  if (options.model === 'openai') {
    baselineFile = resolve(root, options.baseline ?? join(outDir, eventsFileName('emulator')));
    if (!existsSync(baselineFile)) {
      if (options.baseline !== undefined)
        throw new SmokeSetupError(`--baseline ${options.baseline}: no such file`);
      logger.info('no saved emulator sequence: running the same call against the emulator first');
      const first = await call({ ...callOptions, model: 'emulator' });
      save(first);
      baselineSource = 'just-run';
      if (!first.checks.every((c) => c.ok))
        logger.warn('the emulator run failed a check; its sequence is still the baseline');
    }
  }

  const result = await call({ ...callOptions, model: options.model });
  const eventsFile = save(result);
  const checks = [...result.checks];
  let baseline: RealtimeEvent[];
  let baselineName: string;
  if (options.model === 'emulator') {
    baseline = result.emulatorEvents ?? [];
    baselineName = "the emulator's own record of this call";
    baselineSource = 'emulator-record';
  } else {
    baseline = fromJsonLines(readFileSync(baselineFile!, 'utf8'));
    baselineName = rel(baselineFile!);
  }
  // Against the emulator's own record: event types in order only (the record holds the emulator's
  // live objects, filled in after they were sent, so their shapes are not what went over the wire).
  const diff = diffEvents(baseline, result.events, { shapes: options.model !== 'emulator' });
  if (options.model === 'emulator') {
    checks.push(
      check(
        "the plugin's logged sequence matches the emulator's record",
        result.events.length > 0 && diff.same,
        result.events.length === 0
          ? 'no event in the agent log: LK_OPENAI_DEBUG=1 / LOG_LEVEL=debug did not reach the plugin'
          : diff.same
            ? `${result.events.length} events`
            : 'they differ (see the differences below)',
      ),
    );
  }
  return {
    model: options.model,
    ok: checks.every((c) => c.ok),
    checks,
    turns: result.turns,
    ...(result.answer !== undefined ? { answer: result.answer } : {}),
    eventsFile: rel(eventsFile),
    stackLog: rel(result.stackLog),
    eventCounts: counts(result.events),
    comparison: { baseline: baselineName, baselineSource, diff },
  };
}
