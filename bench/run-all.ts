// Runs every benchmark one after the other and prints one combined JSON summary as the last line:
// the MCP server, the token API, and (inside the test network namespace, root needed) voice
// latency, concurrent calls and scaling over worker hosts, over real SIP/RTP. Each benchmark's own
// progress goes to stderr.
//   npm run bench [-- --quick] [-- --only mcp,token-api,voice,concurrency,scale]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machine } from './machine.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string', default: 'mcp,token-api,voice,concurrency,scale' },
  },
});
const quick = values.quick;
const inNetns = (script: string, args: string[]) => [
  'bash',
  'tools/testkit/bin/in-netns.sh',
  'npx',
  'tsx',
  script,
  ...args,
];
const BENCHES: Record<string, string[]> = {
  mcp: ['npx', 'tsx', 'bench/mcp.bench.ts', ...(quick ? ['--calls', '500'] : [])],
  'token-api': ['npx', 'tsx', 'bench/token-api.bench.ts', ...(quick ? ['--seconds', '2'] : [])],
  voice: inNetns('bench/voice-latency.bench.ts', quick ? ['--turns', '10'] : []),
  concurrency: inNetns(
    'bench/concurrency.bench.ts',
    quick ? ['--levels', '1,4,8', '--turns', '2'] : [],
  ),
  scale: inNetns('bench/scale.bench.ts', quick ? ['--turns', '2'] : []),
};

/** Runs one benchmark; its stderr passes through, the last stdout line is its JSON summary. */
function runBench(command: string[]): Promise<unknown> {
  return new Promise((resolve) => {
    const child = spawn(command[0]!, command.slice(1), {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      try {
        const summary: unknown = JSON.parse(last);
        resolve(code === 0 ? summary : { exit_code: code, summary });
      } catch {
        resolve({ error: `exited ${code} without a JSON summary`, last_line: last.slice(0, 500) });
      }
    });
    child.on('error', (error) => resolve({ error: error.message }));
  });
}

const selected = values.only.split(',').map((name) => name.trim());
const results: Record<string, unknown> = {};
for (const name of selected) {
  const command = BENCHES[name];
  if (!command) throw new Error(`unknown benchmark ${name} (${Object.keys(BENCHES).join(', ')})`);
  process.stderr.write(`\n== ${name}: ${command.join(' ')}\n`);
  results[name] = await runBench(command);
}
const failed = Object.values(results).some(
  (r) => typeof r === 'object' && r !== null && ('error' in r || 'exit_code' in r),
);
console.log(
  JSON.stringify({
    benchmark: 'all',
    quick,
    machine: machine(),
    at: new Date().toISOString(),
    ...results,
  }),
);
process.exitCode = failed ? 1 : 0;
