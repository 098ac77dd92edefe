// The worker: registers with LiveKit under the agent name and runs one job per call. Its settings
// come from config.ts, the only module that reads the environment.
import { fileURLToPath } from 'node:url';
import type { voice } from '@livekit/agents';
import {
  cli,
  defineAgent,
  log,
  loggerOptions,
  type JobContext,
  type JobProcess,
  ServerOptions,
} from '@livekit/agents';
import * as silero from '@livekit/agents-plugin-silero';
import { AgentDispatchClient, RoomServiceClient } from 'livekit-server-sdk';
import type { Logger } from 'pino';
import { runCall } from './call/call-session.js';
import { ConfigError, loadConfig } from './config.js';
import {
  createCallAdmission,
  loadThresholdFor,
  type JobOffer,
  type ServerWithJobs,
} from './worker/call-load.js';
import { JOB_PROCESS_WARM_MESSAGE } from '@ecommerce-voicebot/contracts';
import { createCallRecovery } from './worker/call-recovery.js';
import { beatingJobOf, createJobHeartbeat, type BeatingJob } from './worker/job-heartbeat.js';
import { createJobTakenMark } from './worker/job-taken-mark.js';
import { createRecordRetention } from './worker/record-retention.js';

let config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}
const settings = config;

export default defineAgent({
  // Runs once per warm process, before any call: the VAD model is loaded ahead of time. With the
  // model's own turn detection there is no local VAD at all (it costs CPU on every frame).
  prewarm: async (proc: JobProcess) => {
    if (settings.turnDetection === 'vad') {
      proc.userData.vad = await silero.VAD.load({ minSilenceDuration: settings.vadMinSilenceMs });
    }
    // The stack runner counts these lines (JOB_PROCESS_WARM_MESSAGE) before it says it is ready: a
    // first call that has to share the CPU with warming processes greets late.
    log().info(JOB_PROCESS_WARM_MESSAGE);
  },
  entry: async (ctx: JobContext) => {
    await runCall(ctx, {
      config: settings,
      vad: (ctx.proc.userData.vad ?? null) as voice.AgentSessionOptions['vad'],
      logger: log() as unknown as Logger,
    });
  },
});

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (settings.mode === 'offline') {
    process.stderr.write(
      `OFFLINE MODE: the model is the local Realtime emulator at ${settings.model.baseURL}, not OpenAI.\n`,
    );
  }
  // Set once the worker runs (below): the main process says in a room that it took its call.
  let markTaken: ((offer: JobOffer) => void) | undefined;
  const admission = createCallAdmission(settings.maxCalls, Date.now, undefined, (offer) =>
    markTaken?.(offer),
  );
  // The framework hands its server only to the load function (about every 2.5 s, from before the
  // first job): the heartbeat reads the running jobs from the latest.
  let agentServer: ServerWithJobs | undefined;
  cli.runApp(
    new ServerOptions({
      agent: fileURLToPath(import.meta.url),
      agentName: settings.agentName,
      host: settings.httpHost,
      port: settings.httpPort,
      // Load is this worker's share of its calls, not CPU, and the worker declines calls past
      // AGENT_MAX_CALLS itself (worker/call-load.ts says why).
      loadFunc: (server) => {
        agentServer = server as unknown as ServerWithJobs;
        return admission.loadFunc(agentServer);
      },
      requestFunc: (request) => admission.requestFunc(request),
      loadThreshold: loadThresholdFor(settings.loadThreshold, settings.maxCalls),
      // A job process takes about 4 CPU-seconds to warm: on a small or busy host the framework's
      // 10 s limit kills it just before it is ready and starts another, over and over, spending
      // the host's CPU on nothing (bench:scale at 0.5 core per host). A slow warm-up is better.
      initializeProcessTimeout: 60_000,
      ...(settings.numIdleProcesses === undefined
        ? {}
        : { numIdleProcesses: settings.numIdleProcesses }),
    }),
  );
  // In the main process only (job processes import this file too), once a worker runs: `start`
  // and `dev` set up the framework's logger before runApp returns; other commands (help) need no
  // recovery and have no logger.
  const { livekit } = settings;
  if (livekit !== undefined && loggerOptions() !== undefined) {
    const rooms = new RoomServiceClient(livekit.url, livekit.apiKey, livekit.apiSecret);
    markTaken = createJobTakenMark({
      setRoomMetadata: (room, metadata) => rooms.updateRoomMetadata(room, metadata),
      logger: (log() as unknown as Logger).child({ name: 'job-taken' }),
    });
    const dispatch = new AgentDispatchClient(livekit.url, livekit.apiKey, livekit.apiSecret);
    createCallRecovery({
      agentName: settings.agentName,
      logger: (log() as unknown as Logger).child({ name: 'call-recovery' }),
      api: {
        listRooms: () => rooms.listRooms(),
        listParticipants: (room) => rooms.listParticipants(room),
        listDispatch: (room) => dispatch.listDispatch(room),
        createDispatch: (room, agentName, options) =>
          dispatch.createDispatch(room, agentName, options),
        deleteRoom: (room) => rooms.deleteRoom(room),
      },
    }).start();
    createJobHeartbeat({
      jobs: () =>
        (agentServer?.activeJobs ?? [])
          .map((info) => beatingJobOf(info))
          .filter((job): job is BeatingJob => job !== undefined),
      setAttributes: async (room, identity, attributes) =>
        (await rooms.updateParticipant(room, identity, { attributes })).attributes,
      onCallEnded: (jobId) => admission.callEnded(jobId),
      logger: (log() as unknown as Logger).child({ name: 'heartbeat' }),
    }).start();
  }
  // Main process only, like recovery (but without LiveKit): one purge at start and daily for the
  // whole worker, not one per call.
  if (settings.callRecordRetentionDays > 0 && loggerOptions() !== undefined) {
    createRecordRetention({
      callsDir: settings.callsDir,
      retentionDays: settings.callRecordRetentionDays,
      logger: (log() as unknown as Logger).child({ name: 'record-retention' }),
    }).start();
  }
}
