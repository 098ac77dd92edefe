// CLI: run the OFFLINE OpenAI Realtime emulator.
//   npm run emulator -- --port 8089 --scenario tools/realtime-emulator/scenarios/support-call.json
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino, type Level } from 'pino';
import { loadScenarioFile } from './scenario.js';
import { createRealtimeEmulator } from './server.js';
import { createSileroVadFactory } from './silero-vad.js';

const USAGE = `Usage: npm run emulator -- [--port 8089] [--host 127.0.0.1]
       [--scenario FILE.json] [--pacing realtime|fast|burst] [--log-level info] [--require-auth]
       [--profile ideal|realistic] [--seed 1]   (realistic: seeded delays, async transcription,
                                                 burst audio, Silero VAD; see README "Profiles")
       [--max-session-ms 3600000]   (or REALTIME_EMULATOR_MAX_SESSION_MS; default 60 minutes)

OFFLINE emulator of the OpenAI Realtime WebSocket API (not OpenAI). Point the agent at it with
OPENAI_BASE_URL=http://HOST:PORT/v1 (or RealtimeModel({ baseURL })) and any API key.`;

const DEFAULT_SCENARIO = fileURLToPath(new URL('../scenarios/support-call.json', import.meta.url));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8089' },
      host: { type: 'string', default: '127.0.0.1' },
      scenario: { type: 'string', default: DEFAULT_SCENARIO },
      pacing: { type: 'string' },
      profile: { type: 'string', default: 'ideal' },
      seed: { type: 'string', default: '1' },
      'log-level': { type: 'string', default: 'info' },
      'require-auth': { type: 'boolean', default: false },
      'max-session-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`invalid --port ${values.port}`);
  const pacing = values.pacing;
  if (pacing !== undefined && pacing !== 'realtime' && pacing !== 'fast' && pacing !== 'burst') {
    throw new Error(`invalid --pacing ${pacing} (realtime | fast | burst)`);
  }
  const profile = values.profile;
  if (profile !== 'ideal' && profile !== 'realistic') {
    throw new Error(`invalid --profile ${profile} (ideal | realistic)`);
  }
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`invalid --seed ${values.seed} (an integer)`);
  const maxSessionRaw =
    values['max-session-ms'] ?? process.env.REALTIME_EMULATOR_MAX_SESSION_MS ?? undefined;
  const maxSessionMs = maxSessionRaw === undefined ? undefined : Number(maxSessionRaw);
  if (maxSessionMs !== undefined && !(Number.isFinite(maxSessionMs) && maxSessionMs > 0)) {
    throw new Error(`invalid --max-session-ms ${maxSessionRaw} (a positive number of ms)`);
  }
  const logger = pino(
    { level: values['log-level'] as Level, name: 'realtime-emulator' },
    pino.destination(2),
  );
  const scenario = await loadScenarioFile(values.scenario);
  const emulator = await createRealtimeEmulator({
    scenario,
    logger,
    port,
    host: values.host,
    requireAuth: values['require-auth'],
    // Keep memory bounded in long demo runs.
    maxRecordedEvents: 5000,
    ...(pacing !== undefined ? { audioPacing: pacing } : {}),
    profile,
    seed,
    ...(profile === 'realistic' ? { modelVad: await createSileroVadFactory() } : {}),
    ...(maxSessionMs !== undefined ? { maxSessionMs } : {}),
  });
  process.stdout.write(
    `OFFLINE EMULATOR of the OpenAI Realtime API (NOT OpenAI: no model, scripted answers) ` +
      `listening on ${emulator.url} (ws: ${emulator.wsUrl}); scenario "${scenario.name ?? values.scenario}"; ` +
      `${emulator.profileDescription}; ` +
      `set OPENAI_BASE_URL=${emulator.url}\n`,
  );
  const shutdown = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`realtime emulator failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
