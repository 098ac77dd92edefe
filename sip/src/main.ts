// `npm run sip -- COMMAND`: wires the process (arguments, environment, console) and the LiveKit
// server to the commands. The only module that reads the environment.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { runCli } from './commands.js';
import { REPO_ROOT } from './config.js';
import { createLiveKitClient } from './livekit-client.js';
import { consoleOutput } from './output.js';

/** The root .env, like the other services read it; variables set in the environment win. */
function environment(): Record<string, string | undefined> {
  const file = resolve(REPO_ROOT, '.env');
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  return { ...fromFile, ...process.env };
}

process.exitCode = await runCli(process.argv.slice(2), {
  env: environment(),
  cwd: process.cwd(),
  output: consoleOutput(),
  createClient: createLiveKitClient,
});
