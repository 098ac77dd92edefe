// A worker-only host (`npm start -- --role worker`): the agent worker and what it needs beside it,
// registered with the media host's livekit-server. Calls are dispatched to any worker with room,
// so more worker hosts carry more calls; the media host (`--role media`) runs everything else.
// Each worker host runs its own MCP server on loopback (the tools never listen on the network)
// unless MCP_URL names a shared one, and offline its own Realtime emulator.
import type { ManagedProcess } from './processes.js';
import {
  createServiceStarter,
  startAgentWorker,
  startEmulator,
  startMcpServer,
} from './services.js';

export interface WorkerHostOptions {
  root: string;
  /** The media host's livekit-server, as this host reaches it (ws:// or wss://). */
  livekitUrl: string;
  /** A shared MCP server; without it, this host runs its own on loopback. */
  mcpUrl?: string;
  /** Offline: the Realtime emulator instead of OpenAI (this host's own unless `emulatorUrl`). */
  offline: boolean;
  emulatorUrl?: string;
  /** The environment, secrets included; each service gets only its own (service-env.ts). */
  env: NodeJS.ProcessEnv;
  onLine?: (line: string) => void;
}

export interface WorkerHost {
  mcpUrl: string;
  emulatorUrl: string | undefined;
  processes: readonly ManagedProcess[];
  stop(): Promise<void>;
}

export async function startWorkerHost(options: WorkerHostOptions): Promise<WorkerHost> {
  const starter = createServiceStarter({
    root: options.root,
    env: options.env,
    onLine: options.onLine,
  });
  try {
    const mcpUrl = options.mcpUrl ?? (await startMcpServer(starter));
    const emulatorUrl = options.offline
      ? (options.emulatorUrl ?? (await startEmulator(starter)))
      : undefined;
    await startAgentWorker(starter, {
      livekitUrl: options.livekitUrl,
      mcpUrl,
      ...(emulatorUrl === undefined ? {} : { emulatorUrl }),
    });
    return { mcpUrl, emulatorUrl, processes: starter.started, stop: () => starter.stopAll() };
  } catch (error) {
    await starter.stopAll();
    throw error;
  }
}
