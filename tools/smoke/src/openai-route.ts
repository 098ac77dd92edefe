// The agent's way to OpenAI from inside the test network namespace, which has no route out
// (tools/testkit/bin/in-netns.sh). Only the model's connection leaves: the stack stays in the
// namespace. Inside, a TCP listener on 127.0.0.1 takes the agent's WebSocket (OPENAI_BASE_URL =
// http://127.0.0.1:PORT/v1, so the plugin connects with ws://), sets the request's Host header to
// the service's, and passes the bytes through a Unix socket to openai-upstream.ts, which runs in
// the machine's own namespace (entered with nsenter through the nearest ancestor process that is
// outside ours) and speaks TLS to the service. The API key goes through as the plugin sends it.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { pipeBoth, serveUpstream, type UpstreamTarget } from './openai-upstream.js';

export interface OpenAiRoute {
  /** For OPENAI_BASE_URL. */
  baseUrl: string;
  /** How the outer half runs: 'nsenter' (from the test namespace) or 'in-process'. */
  via: 'nsenter' | 'in-process';
  close(): Promise<void>;
}

/** Where the service is: OPENAI_BASE_URL if set (https://host[:port]/path), else OpenAI's. */
export function routeTarget(baseUrl: string | undefined): { target: UpstreamTarget; path: string } {
  const url = new URL(baseUrl || 'https://api.openai.com/v1');
  const tls = url.protocol === 'https:' || url.protocol === 'wss:';
  return {
    target: { host: url.hostname, port: Number(url.port || (tls ? 443 : 80)), tls },
    path: url.pathname.replace(/\/$/, ''),
  };
}

/** A request head with its Host header replaced (the service routes by it). */
export function rewriteHost(head: string, host: string): string {
  return /^host:/im.test(head)
    ? head.replace(/^host:[^\r\n]*/im, `Host: ${host}`)
    : head.replace('\r\n', `\r\nHost: ${host}\r\n`);
}

const netns = (pid: number) => {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return undefined;
  }
};
const parentOf = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
};

/** The network namespace of the nearest ancestor outside ours, or undefined (none: we are home). */
export function hostNetnsPath(pid = process.pid): string | undefined {
  const ours = netns(pid);
  let current = pid;
  for (let hops = 0; hops < 64; hops++) {
    const parent = parentOf(current);
    if (parent === undefined || !Number.isInteger(parent) || parent < 1) return undefined;
    const theirs = netns(parent);
    if (theirs !== undefined && theirs !== ours) return `/proc/${parent}/ns/net`;
    if (parent === 1) return undefined;
    current = parent;
  }
  return undefined;
}

async function startOuter(
  socketPath: string,
  target: UpstreamTarget,
  root: string,
): Promise<{ via: OpenAiRoute['via']; close(): Promise<void> }> {
  const ns = hostNetnsPath();
  if (ns === undefined) {
    const server = await serveUpstream(socketPath, target);
    return {
      via: 'in-process',
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }
  const main = fileURLToPath(new URL('./openai-upstream-main.ts', import.meta.url));
  const child: ChildProcess = spawn(
    'nsenter',
    [
      `--net=${ns}`,
      '--',
      process.execPath,
      '--import',
      'tsx',
      main,
      socketPath,
      target.host,
      String(target.port),
      target.tls ? 'tls' : 'tcp',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'ready') resolve();
    });
    child.once('exit', (code) =>
      reject(
        new Error(`the route to OpenAI (nsenter ${ns}) exited with ${code} before it was ready`),
      ),
    );
  });
  const timeout = setTimeout(() => child.kill('SIGTERM'), 20_000);
  try {
    await ready;
  } finally {
    clearTimeout(timeout);
  }
  return {
    via: 'nsenter',
    async close() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** Starts both halves; `root` is where `tsx` resolves (the repository root). */
export async function startOpenAiRoute(options: {
  baseUrl?: string;
  root: string;
}): Promise<OpenAiRoute> {
  const { target, path } = routeTarget(options.baseUrl);
  const dir = mkdtempSync(join(tmpdir(), 'smoke-route-'));
  const socketPath = join(dir, 'upstream.sock');
  const outer = await startOuter(socketPath, target, options.root);
  const hostHeader =
    target.port === (target.tls ? 443 : 80) ? target.host : `${target.host}:${target.port}`;
  const sockets = new Set<Socket>();
  const server: Server = createServer((inner) => {
    sockets.add(inner);
    inner.once('close', () => sockets.delete(inner));
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > 64 * 1024) inner.destroy();
        return;
      }
      inner.off('data', onData);
      inner.pause();
      const upstream = connect(socketPath);
      sockets.add(upstream);
      upstream.once('close', () => sockets.delete(upstream));
      upstream.write(rewriteHost(head.subarray(0, end).toString('latin1'), hostHeader), 'latin1');
      upstream.write(head.subarray(end));
      pipeBoth(inner, upstream);
      inner.resume();
    };
    inner.on('data', onData);
    inner.once('error', () => inner.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${path}`,
    via: outer.via,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await outer.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
