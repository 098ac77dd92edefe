// Wires configuration, logger, limits and the webhook app. The only module that reads the
// environment (through config.ts).
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import {
  AgentDispatchClient,
  RoomServiceClient,
  SipClient,
  WebhookReceiver,
} from 'livekit-server-sdk';
import { ParticipantInfo_Kind } from '@livekit/protocol';
import {
  queueDispatchMetadata,
  SWITCHBOARD_IDENTITY_PREFIX,
  takenDispatchOf,
  takeoverDispatchMetadata,
  WEBHOOK_API_KEY_NAME,
} from '@ecommerce-voicebot/contracts';
import { createAgentLiveness } from './agent-liveness.js';
import { createAgentPresence } from './agent-presence.js';
import { createAgentWatch } from './agent-watch.js';
import { createApp } from './app.js';
import { CLIPS, readClip } from './audio-clip.js';
import { createCallerKeys } from './caller-key.js';
import { createCallLimits } from './call-limits.js';
import { isTesterRoom } from './call-events.js';
import { ConfigError, loadConfig } from './config.js';
import { jobTaken } from './agent-watch.js';
import { createLineDown } from './line-down.js';
import { createLineGuard } from './line-guard.js';
import { createLineQueue } from './line-queue.js';
import { createLogger } from './logger.js';
import { createQueueAnnouncer } from './queue-notice.js';
import { listOpenCalls } from './open-calls.js';
import { createRoomSpeaker } from './room-speaker.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  const httpUrl = config.livekitUrl.replace(/^ws/, 'http');
  const rooms = new RoomServiceClient(httpUrl, config.apiKey, config.apiSecret);
  const callerKey = createCallerKeys();
  const limits = createCallLimits(config.limits);
  try {
    for (const call of await listOpenCalls(rooms, callerKey)) limits.adopt(call);
  } catch (error) {
    // livekit-server may start after us: webhooks count calls from here on.
    logger.warn({ err: { message: (error as Error).message } }, 'could not list open calls');
  }
  const hangUp = async (room: string, identity: string) => {
    await rooms.removeParticipant(room, identity);
  };
  // Read once, at start: a missing or broken asset is a startup error, not a silent call.
  const clips = {
    lineDown: await readClip(CLIPS.lineDown),
    intro: await readClip(CLIPS.queueIntro),
    numbers: await Promise.all(CLIPS.queueNumbers.map((url) => readClip(url))),
    outro: await readClip(CLIPS.queueOutro),
    hold: await readClip(CLIPS.hold),
    full: await readClip(CLIPS.queueFull),
  };
  // The voice's track is made before it knows what it will play: one rate for every clip.
  const rates = new Set(
    [clips.lineDown, clips.intro, ...clips.numbers, clips.outro, clips.hold, clips.full].map(
      (clip) => clip.sampleRate,
    ),
  );
  if (rates.size !== 1)
    throw new Error(`the switchboard's clips differ in sample rate: ${[...rates].join(', ')}`);
  const sip = new SipClient(httpUrl, config.apiKey, config.apiSecret);
  const dispatch = new AgentDispatchClient(httpUrl, config.apiKey, config.apiSecret);
  const speaker = createRoomSpeaker({
    url: config.livekitUrl.replace(/^http/, 'ws'),
    apiKey: config.apiKey,
    apiSecret: config.apiSecret,
    sampleRate: clips.intro.sampleRate,
    logger,
  });
  const presence = createAgentPresence();
  // One look at the room's dispatches and the mark of the worker that took one, for the first
  // check after a call arrives and for the queue.
  const agentComing = async (room: string) => {
    const [dispatches, [info]] = await Promise.all([
      dispatch.listDispatch(room),
      rooms.listRooms([room]),
    ]);
    return jobTaken(
      dispatches,
      config.agentName,
      presence.lostAt(room),
      takenDispatchOf(info?.metadata),
    );
  };
  const redispatch = async (room: string) => {
    await dispatch.createDispatch(room, config.agentName);
  };
  const lineDownFor = (transferTo: string | undefined) =>
    createLineDown({
      speaker,
      clip: async () => clips.lineDown,
      hangUp,
      transferTo,
      transfer: (room, identity, to) => sip.transferSipParticipant(room, identity, to),
      logger,
    });
  const callerLineDown = lineDownFor(config.lineDown.transferTo);
  // A tester's browser session cannot be transferred to a phone line: it only hears the apology.
  const testerLineDown = lineDownFor(undefined);
  const lineDown = (room: string, identity: string) =>
    (isTesterRoom(room) ? testerLineDown : callerLineDown)(room, identity);
  const queue = createLineQueue({
    speaker,
    clips,
    dispatch: async (room, wait) => {
      await dispatch.createDispatch(room, config.agentName, {
        metadata: queueDispatchMetadata({ ...wait, dispatchedAt: Date.now() }),
      });
    },
    agentComing,
    hangUp,
    agentsOnLine: () => presence.count() > 0,
    lineDown: (room, identity) => lineDown(room, identity),
    maxLength: config.queue.maxLength,
    maxWaitMs: config.queue.maxWaitMs,
    logger,
    announce: createQueueAnnouncer({ logger }),
  });
  queue.start();
  const agentWatch = createAgentWatch({
    agentComing,
    firstCheckMs: config.lineDown.afterMs,
    logger,
    activeAgents: () => presence.count(),
    redispatch,
    takeover: async (room) => {
      await dispatch.createDispatch(room, config.agentName, {
        metadata: takeoverDispatchMetadata(),
      });
    },
    prepareVoice: (room, options) => speaker.prepare(room, options),
    releaseVoice: (room) => speaker.release(room),
    queue: (room, identity) => queue.enqueue(room, identity),
    lineDown,
  });
  // Agents whose host died mid-call: removed (so the next agent does not yield to them) and
  // replaced, or their callers queued or told the line is down.
  const liveness = createAgentLiveness({
    rooms: () => presence.rooms(),
    members: async (room) =>
      (await rooms.listParticipants(room)).map((p) => ({
        identity: p.identity,
        isAgent: p.kind === ParticipantInfo_Kind.AGENT,
        // A phone caller still on the line, or a QA tester in the browser.
        isCaller:
          (p.kind === ParticipantInfo_Kind.SIP && p.attributes['sip.callStatus'] !== 'hangup') ||
          (p.kind === ParticipantInfo_Kind.STANDARD &&
            !p.identity.startsWith(SWITCHBOARD_IDENTITY_PREFIX)),
        attributes: p.attributes,
      })),
    // Removed before another agent is asked for: the next one would otherwise find it there. An
    // agent that was only stalled, not dead, is replaced the same way (the caller is greeted again).
    onLost: async ({ room, identity, callers }) => {
      presence.lost(room, identity, Date.now());
      await rooms.removeParticipant(room, identity).catch((error: unknown) => {
        logger.warn(
          { err: { message: (error as Error).message } },
          'could not remove a lost agent',
        );
      });
      await agentWatch.agentLost(room, callers);
    },
    logger,
  });
  liveness.start();
  const guard = createLineGuard({ limits, callerKey, logger, hangUp, agentWatch, presence, queue });
  const app = createApp({
    // livekit-server signs webhooks under the webhook key name, with the API secret (livekit.yaml).
    receiver: new WebhookReceiver(WEBHOOK_API_KEY_NAME, config.apiSecret),
    handle: (event) => guard.handle(event),
    logger,
  });
  const listener = app.listen(config.port, config.host);
  await once(listener, 'listening');
  const { port } = listener.address() as AddressInfo;
  logger.info(
    {
      url: `http://${config.host}:${port}`,
      openCalls: limits.openCalls,
      limits: config.limits,
      agentWaitMs: config.lineDown.afterMs,
      queue: config.queue,
      lineDownTransfer: config.lineDown.transferTo !== undefined,
    },
    'switchboard listening',
  );

  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    void queue.stop();
    liveness.stop();
    listener.close(() => process.exit(0));
    listener.closeIdleConnections();
    setTimeout(() => process.exit(0), 2_000).unref();
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

await main();
