// `openai-upstream-main.ts SOCKET HOST PORT tls|tcp`: openai-upstream.ts as a process, started by
// openai-route.ts in the machine's network namespace. Prints "ready" once it listens.
import { serveUpstream } from './openai-upstream.js';

const [socketPath, host, port, mode] = process.argv.slice(2);
if (socketPath === undefined || host === undefined || port === undefined) {
  process.stderr.write('usage: openai-upstream-main.ts SOCKET HOST PORT tls|tcp\n');
  process.exit(2);
}
await serveUpstream(socketPath, { host, port: Number(port), tls: mode !== 'tcp' });
process.stdout.write('ready\n');
process.on('SIGTERM', () => process.exit(0));
