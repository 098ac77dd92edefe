import { spawn, type ChildProcess } from 'node:child_process';
import { getPriority, setPriority } from 'node:os';
import { createInterface } from 'node:readline';

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  stop(timeoutMs?: number): Promise<void>;
  /** Resolves true once `count` output lines matched (counted since start), false at the timeout. */
  waitForLines(
    match: (line: string) => boolean,
    count: number,
    timeoutMs: number,
  ): Promise<boolean>;
}

export interface StartOptions {
  name: string;
  command: string;
  args: readonly string[];
  /** The whole environment of the process (nothing is inherited implicitly). */
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Each output line, already prefixed with the process name. */
  onLine?: (line: string) => void;
}

/**
 * Raises a process's nice value to `niceness` (lower priority; its children inherit it). No
 * privilege is needed to lower a priority; returns false where the system refuses all the same.
 */
export function lowerPriority(pid: number, niceness: number): boolean {
  try {
    if (getPriority(pid) < niceness) setPriority(pid, niceness);
    return true;
  } catch {
    return false;
  }
}

const COLORS = [36, 33, 35, 32, 34, 91, 96, 93];
let nextColor = 0;

/** Runs a process in its own process group, its output prefixed line by line. */
export function startProcess(options: StartOptions): ManagedProcess {
  const color = COLORS[nextColor++ % COLORS.length]!;
  const prefix = process.stdout.isTTY
    ? `\u001b[${color}m[${options.name}]\u001b[0m `
    : `[${options.name}] `;
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const emit = options.onLine ?? ((line: string) => process.stdout.write(`${line}\n`));
  const lines: string[] = [];
  const lineWaiters = new Set<() => void>();
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      emit(`${prefix}${line}`);
      // Kept for waitForLines; bounded, a long-running service prints forever.
      if (lines.length < 10_000) lines.push(line);
      for (const wake of lineWaiters) wake();
    });
  }
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', (error) => {
      emit(`${prefix}could not start: ${error.message}`);
      resolve('spawn-error');
    });
  });
  let stopping: Promise<void> | undefined;
  const waitForLines = (match: (line: string) => boolean, count: number, timeoutMs: number) =>
    new Promise<boolean>((resolve) => {
      const check = () => {
        if (lines.filter(match).length < count) return;
        done(true);
      };
      const done = (result: boolean) => {
        clearTimeout(timer);
        lineWaiters.delete(check);
        resolve(result);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      lineWaiters.add(check);
      check();
    });
  return {
    name: options.name,
    child,
    exited,
    waitForLines,
    stop(timeoutMs = 5_000) {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
        const signalGroup = (signal: NodeJS.Signals) => {
          try {
            process.kill(-child.pid!, signal);
          } catch {
            // already gone
          }
        };
        signalGroup('SIGTERM');
        const timer = setTimeout(() => signalGroup('SIGKILL'), timeoutMs);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

/** Polls an HTTP URL until it answers 2xx, the process dies, or the time is up. */
export async function waitForHttp(
  url: string,
  options: { timeoutMs: number; process?: ManagedProcess; what: string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let exited = false;
  void options.process?.exited.then(() => (exited = true));
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // not up yet
    }
    if (exited)
      throw new Error(`${options.what} exited before it was ready (see its log lines above)`);
    if (Date.now() > deadline)
      throw new Error(
        `${options.what} was not ready within ${options.timeoutMs / 1000} s (${url})`,
      );
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
