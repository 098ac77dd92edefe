// `npm run smoke -- --model emulator|openai`: one SIP call through the whole stack (in the test
// network namespace), checked, with the plugin's event sequence saved and compared. Prints the
// report on stdout (progress on stderr); exit 0 when every check passed, 1 when one failed, 2 for a
// usage error (a missing OPENAI_API_KEY included), 3 when the run itself broke.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { pino } from 'pino';
import { parseSmokeArgs, UsageError, USAGE } from './args.js';
import { formatReport } from './report.js';
import { SmokeSetupError } from './call.js';
import { runSmoke } from './smoke.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const dotEnvPath = join(ROOT, '.env');
const dotEnv = existsSync(dotEnvPath) ? parseEnv(readFileSync(dotEnvPath, 'utf8')) : {};
let args;
try {
  args = parseSmokeArgs(process.argv.slice(2), process.env, dotEnv);
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`smoke: ${error.message}\n`);
  process.exit(2);
}
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const logger = pino({ name: 'smoke', level: 'info' }, pino.destination(2));
try {
  const report = await runSmoke({
    model: args.model,
    root: ROOT,
    out: args.out,
    ...(args.baseline ? { baseline: args.baseline } : {}),
    ...(args.openaiApiKey ? { openaiApiKey: args.openaiApiKey } : {}),
    ...(process.env.OPENAI_BASE_URL ? { openaiBaseUrl: process.env.OPENAI_BASE_URL } : {}),
    logger,
  });
  writeFileSync(
    join(resolve(ROOT, args.out), `${args.model}.report.json`),
    `${JSON.stringify(report, null, 2)}\n`,
  );
  process.stdout.write(formatReport(report));
  process.exit(report.ok ? 0 : 1);
} catch (error) {
  process.stderr.write(
    error instanceof SmokeSetupError
      ? `smoke: ${error.message}\n`
      : `smoke: the run broke: ${(error as Error).stack ?? String(error)}\n`,
  );
  process.exit(3);
}
