// MCP server benchmark on a large store: load time and memory, in-process tool latency, and
// tool-call latency over Streamable HTTP on loopback against a separate server process.
// Usage: npm run bench:mcp [-- --data DIR]   (default: generates bench/.data/large once)
// Prints one JSON summary as its last line, with the CPU calibration (calibration.ts) measured at
// the start and the end, and the headline figures scaled to the reference calibration.
import { spawn, spawnSync } from 'node:child_process';
import { once, setMaxListeners } from 'node:events';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createCallerSession, loadStore, TOOLS } from '@ecommerce-voicebot/mcp';
import { freePort } from '@ecommerce-voicebot/testkit';
import {
  calibrate,
  calibrationReport,
  durationAtReference,
  formatCalibration,
} from './calibration.js';
import { percentiles, type Percentiles } from './stats.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { values } = parseArgs({ options: { data: { type: 'string' }, calls: { type: 'string' } } });
// npm runs this in bench/; a relative --data means the folder the user ran npm from.
const dataDir =
  values.data === undefined
    ? `${ROOT}bench/.data/large`
    : resolve(process.env.INIT_CWD ?? process.cwd(), values.data);
const httpCalls = Number(values.calls ?? 5_000);
const TOKEN = 'bench-token-0123456789abcdef';
// The SDK's HTTP client adds an abort listener per request to one signal for the session's
// lifetime; thousands of calls in one session trip Node's leak warning.
setMaxListeners(0);

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

if (values.data === undefined && !existsSync(`${dataDir}/orders.csv`)) {
  log(`generating the 1,000,000-order store into ${dataDir} (once) ...`);
  const generated = spawnSync(
    'npm',
    ['run', 'data:generate', '--', '--size', 'large', '--out', dataDir],
    { cwd: ROOT, stdio: 'inherit' },
  );
  if (generated.status !== 0) throw new Error('store generation failed');
}

// 0. The machine's speed as this run found it (before the store fills the heap).
const calibrationStart = calibrate();

// 1. Load: time and resident memory of this process once the store is indexed.
const rssBefore = process.memoryUsage().rss;
const loadStarted = performance.now();
const store = await loadStore(dataDir, { defaultCountry: 'US' });
const loadMs = performance.now() - loadStarted;
globalThis.gc?.();
const rssAfterLoadMb = process.memoryUsage().rss / 2 ** 20;
log(
  `load: ${store.orders.size} orders, ${store.customers.size} customers in ${(loadMs / 1000).toFixed(2)} s; RSS ${rssAfterLoadMb.toFixed(0)} MB (${((process.memoryUsage().rss - rssBefore) / 2 ** 20).toFixed(0)} MB for the store)`,
);

// Random existing ids, the same sequence every run.
let seed = 12345;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const orderIds = [...store.orders.keys()];
const trackingIds = [...store.orderByTracking.keys()];
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

// 2. In-process: the index lookup alone, and the whole tool handler (lookup + projection + text).
const LOOKUPS = 200_000;
const lookupNs: number[] = [];
for (let i = 0; i < LOOKUPS; i++) {
  const id = pick(orderIds);
  const started = process.hrtime.bigint();
  const order = store.orders.get(id);
  store.deliveries.get(order!.tracking_number ?? '');
  lookupNs.push(Number(process.hrtime.bigint() - started));
}
const context = { store: () => store, session: createCallerSession() };
const tool = (name: string) => TOOLS.find((candidate) => candidate.name === name)!;
const handlerNs: number[] = [];
for (let i = 0; i < 50_000; i++) {
  const [name, args] =
    i % 3 === 0
      ? ['get_order_status', { order_id: pick(orderIds).slice(1) }]
      : i % 3 === 1
        ? ['get_delivery_status', { tracking_number: pick(trackingIds) }]
        : ['get_order_delivery', { order_id: pick(orderIds) }];
  const started = process.hrtime.bigint();
  tool(name).handler(args, context);
  handlerNs.push(Number(process.hrtime.bigint() - started));
}
const lookupUs = percentiles(lookupNs.map((ns) => ns / 1000));
const handlerUs = percentiles(handlerNs.map((ns) => ns / 1000));
log(
  `in-process index lookup (order + delivery): p50 ${lookupUs.p50.toFixed(2)} µs, p99 ${lookupUs.p99.toFixed(2)} µs over ${LOOKUPS}`,
);
log(
  `in-process tool handler (lookup + output + text): p50 ${handlerUs.p50.toFixed(2)} µs, p99 ${handlerUs.p99.toFixed(2)} µs`,
);

// 3. Streamable HTTP on loopback, server in its own process as in production.
const port = await freePort();
const server = spawn(
  'npx',
  ['tsx', 'mcp/src/main.ts', '--http', '--port', String(port), '--data', dataDir, '--no-watch'],
  {
    cwd: ROOT,
    env: { ...process.env, MCP_AUTH_TOKEN: TOKEN, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  },
);
let serverLog = '';
server.stderr!.on('data', (chunk: Buffer) => (serverLog += chunk.toString()));
let httpMs: Percentiles;
let serverRssMb: number | undefined;
try {
  const deadline = Date.now() + 120_000;
  while (!serverLog.includes('mcp server listening')) {
    if (Date.now() > deadline || server.exitCode !== null)
      throw new Error(`MCP server did not start:\n${serverLog}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } },
    }),
  );
  for (let i = 0; i < 200; i++)
    await client.callTool({ name: 'get_order_status', arguments: { order_id: pick(orderIds) } });
  const callMs: number[] = [];
  for (let i = 0; i < httpCalls; i++) {
    const started = performance.now();
    const result = await client.callTool({
      name: 'get_order_status',
      arguments: { order_id: pick(orderIds) },
    });
    callMs.push(performance.now() - started);
    if (result.isError) throw new Error('tool call failed');
  }
  httpMs = percentiles(callMs);
  await client.close();
  const status = spawnSync('ps', ['-o', 'rss=', '-p', String(server.pid)], { encoding: 'utf8' });
  const npxRss = Number(status.stdout.trim());
  const children = spawnSync('pgrep', ['-g', String(server.pid)], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n');
  serverRssMb =
    Math.max(
      npxRss,
      ...children.map(
        (pid) =>
          Number(spawnSync('ps', ['-o', 'rss=', '-p', pid], { encoding: 'utf8' }).stdout.trim()) ||
          0,
      ),
    ) / 1024;
  log(
    `HTTP tool call (get_order_status, sequential, loopback): p50 ${httpMs.p50.toFixed(2)} ms, p99 ${httpMs.p99.toFixed(2)} ms over ${httpCalls}; server RSS ${serverRssMb.toFixed(0)} MB`,
  );
} finally {
  process.kill(-server.pid!, 'SIGTERM');
}
// The server gone, so that it does not share the cores with the calibration.
if (server.exitCode === null && server.signalCode === null) await once(server, 'exit');
const calibration = calibrationReport(calibrationStart, calibrate());
log(formatCalibration(calibration));
const atRef = (value: number, digits: number) =>
  Number(durationAtReference(value, calibration).toFixed(digits));
const atReference = {
  load_s: atRef(loadMs / 1000, 2),
  lookup_us: { p50: atRef(lookupUs.p50, 2), p99: atRef(lookupUs.p99, 2) },
  tool_handler_us: { p50: atRef(handlerUs.p50, 2), p99: atRef(handlerUs.p99, 2) },
  http_tool_call_ms: { p50: atRef(httpMs.p50, 3), p99: atRef(httpMs.p99, 3) },
};
log(
  `at the reference calibration: load ${atReference.load_s} s, lookup p99 ${atReference.lookup_us.p99} µs, HTTP tool call p50 ${atReference.http_tool_call_ms.p50} ms, p99 ${atReference.http_tool_call_ms.p99} ms`,
);

console.log(
  JSON.stringify({
    benchmark: 'mcp',
    store: {
      orders: store.orders.size,
      customers: store.customers.size,
      products: store.products.size,
      deliveries: store.deliveries.size,
    },
    load_s: Number((loadMs / 1000).toFixed(2)),
    rss_after_load_mb: Math.round(rssAfterLoadMb),
    server_rss_mb: serverRssMb === undefined ? null : Math.round(serverRssMb),
    lookup_us: { p50: Number(lookupUs.p50.toFixed(3)), p99: Number(lookupUs.p99.toFixed(3)) },
    tool_handler_us: {
      p50: Number(handlerUs.p50.toFixed(2)),
      p99: Number(handlerUs.p99.toFixed(2)),
    },
    http_tool_call_ms: {
      p50: Number(httpMs.p50.toFixed(3)),
      p99: Number(httpMs.p99.toFixed(3)),
      calls: httpCalls,
    },
    calibration,
    at_reference_calibration: atReference,
    targets: { load_s: 5, rss_mb: 1024, lookup_p99_us: 50, http_p50_ms: 2, http_p99_ms: 10 },
    node: process.version,
    cpus: (await import('node:os')).cpus().length,
  }),
);
